// The node's reconcile loop: holds the latest desired pod set, and on every hint (a new set,
// a Docker event, a timer, a back-off ending, a probe result) lists this node's containers,
// plans, and hands each pod's actions to the executor (probe kills included): one operation
// at a time per pod, a few pods at once.
// Until the first set arrives it only adopts what runs; nothing is removed.

import type { Pod, PodStatus } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import type { ContainerRuntime, ObservedContainer } from "../runtime/container-runtime.js";
import { nodeFilter, parseLabels } from "../runtime/labels.js";
import { defaultPauseImage } from "../runtime/pause-image.js";
import type { ConfigDelivery } from "../../shared/config-delivery.js";
import { ConfigSet } from "./config-set.js";
import { ConfigVolumes, volumeFacts } from "./config-volumes.js";
import { envNotices } from "./env-sources.js";
import { containerKey, planContainers } from "./container-plan.js";
import { ContainerRecords } from "./container-records.js";
import { DEFAULT_SECCOMP_ROOT } from "./container-spec.js";
import { evictedStatus } from "./eviction.js";
import { runPodActions, type ExecutorContext, type PodAction } from "./executor.js";
import { PodOperations } from "./pod-operations.js";
import { podStatusFor, type BackoffFact } from "./pod-status.js";
import { PodTokens, type PodTokenFetch } from "./pod-tokens.js";
import type { PodApiEndpoints } from "./api-endpoint.js";
import { ProbeManager } from "./probe-manager.js";

export interface WorkerOptions {
  nodeName: string;
  dataDir: string;
  hostIP: string;
  runtime: ContainerRuntime;
  clock: Clock;
  logger: Logger;
  /** Called with a pod's status whenever it changed. */
  onStatus: (report: PodStatusReport) => void;
  /** Called when a pod left the set: its status need not be delivered any more. */
  onForget?: (uid: string) => void;
  resyncMs?: number;
  concurrency?: number;
  /** The pods' sandbox image; default: the agent's own (agent/runtime/pause-image.ts). */
  pauseImage?: { ref: string; rootfs?: Buffer };
  /** Where Localhost seccomp profiles live; default the kubelet's /var/lib/kubelet/seccomp. */
  seccompRoot?: string;
  /** Where pods reach the API (api-endpoint.ts); without it, no KUBERNETES_SERVICE_* variables. */
  apiEndpoints?: () => PodApiEndpoints | undefined;
  /** How to get the pods' ServiceAccount tokens, and the CA for `ca.crt`; without it none are mounted. */
  serviceAccountTokens?: { fetch: PodTokenFetch; caPem: () => string };
}

export class Worker {
  private desired: Pod[] | undefined;
  /** The ConfigMaps and Secrets that came with the set. */
  private config = new ConfigSet();
  private readonly volumes: ConfigVolumes;
  private readonly tokens: PodTokens | undefined;
  private cancelRenewals: (() => void) | undefined;
  private revision = 0;
  /** What happened to the containers; only this worker writes it, from the executor's outcomes. */
  private readonly records: ContainerRecords;
  private readonly probes: ProbeManager;
  private readonly operations: PodOperations;
  private readonly lastStatus = new Map<string, { json: string; status: PodStatus }>();
  private pass: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private cancelTimer: (() => void) | undefined;
  private wakeAt = Infinity;
  private readonly pauseImage: { ref: string; rootfs?: Buffer };
  /** Pods evicted on this node (by uid), with the status they keep until the set drops them. */
  private readonly evicted = new Map<string, PodStatus>();

  constructor(private readonly o: WorkerOptions) {
    this.records = new ContainerRecords(o.nodeName, o.clock);
    this.operations = new PodOperations(o.clock, o.concurrency ?? 4, () => this.trigger());
    this.pauseImage = o.pauseImage ?? defaultPauseImage();
    this.tokens = o.serviceAccountTokens
      ? new PodTokens({
          dataDir: o.dataDir,
          clock: o.clock,
          logger: o.logger,
          ...o.serviceAccountTokens,
          // A renewed projected token is written through its volume, as its other sources.
          onProjectedRenewed: (pod) => {
            this.volumes
              .ensure(pod, this.config, volumeFacts(this.o.nodeName, this.o.hostIP))
              .catch((e: unknown) => this.o.logger.warn("projected token not written", { error: String(e) }));
          },
        })
      : undefined;
    const tokens = this.tokens;
    this.volumes = new ConfigVolumes({
      dataDir: o.dataDir,
      clock: o.clock,
      logger: o.logger,
      ...(tokens ? { tokenOf: (uid, source) => tokens.tokenOf(uid, source) } : {}),
    });
    this.probes = new ProbeManager({
      runtime: o.runtime,
      clock: o.clock,
      logger: o.logger,
      hostIP: o.hostIP,
      onChange: () => this.trigger(),
    });
  }

  /** The revision of the last set applied (0 before any). */
  get appliedRevision(): number {
    return this.revision;
  }

  /** Whether a set has arrived since start (before that, nothing is removed). */
  get hasDesired(): boolean {
    return this.desired !== undefined;
  }

  /** Adopts what runs, then follows engine events and a periodic resync. */
  async start(): Promise<void> {
    this.cancelTimer = this.o.clock.every(this.o.resyncMs ?? 5000, () => this.trigger());
    this.cancelRenewals = this.tokens?.start(() => this.activePods);
    void this.watchEvents();
    await this.reconcileNow();
  }

  /** Stops reconciling; containers keep running as they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.cancelTimer?.();
    this.cancelRenewals?.();
    await this.pass;
    await this.operations.inFlight();
    await this.probes.stop();
  }

  /** Waits until no probe is running (tests use it between steps of a fake clock). */
  async probesIdle(): Promise<void> {
    await this.probes.idle();
  }

  /** The pods of the set this worker runs (evicted ones left out). */
  get activePods(): Pod[] {
    return (this.desired ?? []).filter((p) => !this.evicted.has(p.metadata.uid ?? ""));
  }

  /**
   * Evicts a pod as the kubelet does: its containers are stopped and removed with its
   * volumes, and it reports phase Failed, reason Evicted and `message` until it leaves the set.
   */
  evict(uid: string, message: string): boolean {
    if (this.evicted.has(uid) || !this.desired?.some((p) => p.metadata.uid === uid)) return false;
    this.o.logger.warn("evicting a pod", { pod: uid, message });
    this.evicted.set(uid, evictedStatus(this.lastStatus.get(uid)?.status, message, this.o.clock.now()));
    this.trigger();
    return true;
  }

  /**
   * Takes a new complete set and the config objects that came with it; returns false (and
   * ignores it) when older than the applied one.
   */
  /** The ConfigMaps and Secrets of the latest set (the pre-puller's pull Secrets). */
  get configSet(): ConfigSet {
    return this.config;
  }

  setDesired(revision: number, pods: Pod[], config?: ConfigDelivery): boolean {
    if (revision < this.revision) {
      this.o.logger.info("ignoring an older assignment set", { revision, applied: this.revision });
      return false;
    }
    this.revision = revision;
    this.config = new ConfigSet(config);
    this.desired = pods.filter((p) => p.spec?.nodeName === undefined || p.spec.nodeName === this.o.nodeName);
    for (const uid of [...this.evicted.keys()])
      if (!this.desired.some((p) => p.metadata.uid === uid)) this.evicted.delete(uid);
    for (const uid of [...this.lastStatus.keys()]) {
      if (!this.desired.some((p) => p.metadata.uid === uid)) {
        this.lastStatus.delete(uid);
        this.volumes.forget(uid);
        this.operations.forget(uid);
        this.tokens?.forget(uid);
        this.o.onForget?.(uid);
      }
    }
    // Running containers see changed ConfigMaps and Secrets in their volumes without a restart.
    this.volumes.refresh(this.desired, this.config, volumeFacts(this.o.nodeName, this.o.hostIP));
    this.trigger();
    return true;
  }

  /** Forgets the set and removes every container of this node (node deleted, or leaving). */
  async removeAll(): Promise<void> {
    this.desired = [];
    this.revision = 0;
    await this.settle();
  }

  /** Requests a pass; passes never overlap, a request during one runs another after it. */
  trigger(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.dirty = true;
      return;
    }
    this.pass = (async () => {
      do {
        this.dirty = false;
        await this.runPass();
      } while (this.dirty && !this.stopped);
    })().finally(() => {
      this.pass = undefined;
    });
  }

  /** Runs a pass now and waits for it (not for the operations it started). */
  async reconcileNow(): Promise<void> {
    this.trigger();
    await this.pass;
  }

  /** Waits until no pass and no container operation is in flight. */
  async settle(): Promise<void> {
    this.trigger();
    for (;;) {
      if (this.pass) await this.pass;
      else if (!this.operations.idle) await this.operations.inFlight();
      else return;
    }
  }

  private async watchEvents(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await this.o.runtime.events(nodeFilter(this.o.nodeName), this.abort.signal, () => this.trigger());
      } catch (e) {
        this.o.logger.warn("engine events unavailable; relying on the periodic pass", { error: e });
      }
      await this.o.clock.sleep(2000, this.abort.signal).catch(() => {});
    }
  }

  private async runPass(): Promise<void> {
    const endedBeforeList = this.operations.endedCount;
    // A pod whose operation ended while the list was being made is seen as it was before
    // (maybe without the very container that operation created, which this pass would create
    // again): the pass that operation's end asked for plans and reports it from a fresh list.
    const stale = (uid: string): boolean => this.operations.endedSince(uid, endedBeforeList);
    let observed: ObservedContainer[];
    try {
      observed = await this.o.runtime.list(nodeFilter(this.o.nodeName));
    } catch (e) {
      this.o.logger.warn("cannot list containers; containers are left as they are", { error: e });
      return;
    }
    const now = this.o.clock.now();
    // An evicted pod is planned as gone: its containers are stopped and removed.
    const active = this.desired && this.activePods;
    const actions = planContainers(active, observed, this.records.restartState, now);
    const backoffs: Record<string, BackoffFact> = {};
    const byPod = new Map<string, PodAction[]>();
    let nextWake = Infinity;
    for (const a of actions) {
      if (a.type === "wait") {
        const key = containerKey(a.podUid, a.container);
        if (!(a.reason === "ImagePullBackOff" && this.records.isFreshPullFailure(key))) {
          backoffs[key] = { reason: a.reason, delayMs: a.delayMs };
        }
        nextWake = Math.min(nextWake, a.until);
        continue;
      }
      const list = byPod.get(a.podUid) ?? [];
      list.push(a);
      byPod.set(a.podUid, list);
    }
    this.records.clearFreshPullFailures();
    this.probes.sync(active, observed);
    for (const k of this.probes.kills()) {
      if (this.operations.isBusy(k.podUid)) continue;
      this.probes.markKilling(k.podUid, k.container);
      byPod.set(k.podUid, [...(byPod.get(k.podUid) ?? []), { type: "kill", ...k }]);
    }
    this.records.keepKillsOf(new Set(observed.map((c) => c.id)));
    for (const [uid, list] of byPod) {
      if (this.operations.isBusy(uid)) continue; // its current operation's end triggers a new pass
      if (stale(uid)) continue;
      // A pod whose last operation failed (a config the engine refused, a volume that cannot
      // be set up, an engine error) waits out its back-off unless it changed (the user fixed
      // or deleted it).
      const readyAt = this.operations.readyAt(uid, () => {
        const pod = this.desired?.find((p) => p.metadata.uid === uid);
        return pod && this.versionOf(pod);
      });
      if (readyAt !== undefined && now < readyAt) {
        nextWake = Math.min(nextWake, readyAt);
        continue;
      }
      this.launch(uid, list);
    }
    this.scheduleWake(nextWake, now);
    this.reportStatuses(observed, backoffs, now, stale);
  }

  private scheduleWake(at: number, now: number): void {
    if (at === Infinity || at >= this.wakeAt) return;
    this.wakeAt = at;
    void this.o.clock
      .sleep(Math.max(0, at - now), this.abort.signal)
      .then(() => {
        if (this.wakeAt === at) this.wakeAt = Infinity;
        this.trigger();
      })
      .catch(() => {});
  }

  private launch(uid: string, actions: PodAction[]): void {
    const ctx: ExecutorContext = {
      runtime: this.o.runtime,
      clock: this.o.clock,
      logger: this.o.logger,
      nodeName: this.o.nodeName,
      dataDir: this.o.dataDir,
      hostIP: this.o.hostIP,
      pauseImage: this.pauseImage,
      seccompRoot: this.o.seccompRoot ?? DEFAULT_SECCOMP_ROOT,
      pod: (u) => (this.evicted.has(u) ? undefined : this.desired?.find((p) => p.metadata.uid === u)),
      config: this.config,
      volumes: this.volumes,
      ...(this.tokens ? { tokens: this.tokens } : {}),
      ...(this.o.apiEndpoints ? { apiEndpoints: this.o.apiEndpoints } : {}),
    };
    const stopsOnly = actions.every((a) => a.type === "remove" || a.type === "stop" || a.type === "kill");
    this.operations.start(uid, stopsOnly, async () => {
      let failed = false;
      for await (const outcome of runPodActions(actions, ctx)) {
        this.records.record(outcome);
        // ErrImagePull has its own back-off; ErrImageNeverPull (the image may appear any
        // time) gets the pod's, so that it is not tried again at every hint.
        const neverPull = outcome.type === "pull-failed" && outcome.error.reason === "ErrImageNeverPull";
        if (neverPull || ["create-failed", "op-failed", "sandbox-failed"].includes(outcome.type))
          failed = true;
      }
      const pod = ctx.pod(uid);
      if (failed && pod) this.operations.failed(uid, this.versionOf(pod));
      else this.operations.succeeded(uid);
    });
  }

  /**
   * What of a pod, once changed, ends its failure back-off: its spec, its deletion, and the
   * ConfigMaps and Secrets it refers to (creating a missing one lets it start at once).
   */
  private versionOf(pod: Pod): string {
    return JSON.stringify([pod.spec, pod.metadata.deletionTimestamp ?? null, this.config.versionFor(pod)]);
  }

  private reportStatuses(
    observed: ObservedContainer[],
    backoffs: Record<string, BackoffFact>,
    now: number,
    stale: (uid: string) => boolean,
  ): void {
    const probeViews = this.probes.views();
    for (const pod of this.desired ?? []) {
      const uid = pod.metadata.uid;
      if (!uid || stale(uid)) continue;
      const before = this.lastStatus.get(uid);
      const reported = podStatusFor(pod, observed, {
        hostIP: this.o.hostIP,
        pullErrors: this.records.pullErrors,
        backoffs,
        now,
        probes: probeViews,
        probeKills: this.records.probeKills,
        sandboxErrors: this.records.sandboxErrors,
        envNotices: { [uid]: envNotices(this.config, pod) },
        ...(before ? { previous: before.status } : {}),
      });
      const status = this.evicted.get(uid) ?? reported;
      // A terminating pod with nothing left on the node (no container, no sandbox) is gone:
      // said once, so that the control plane can end its deletion.
      const gone =
        pod.metadata.deletionTimestamp !== undefined &&
        !observed.some((c) => parseLabels(c.labels)?.podUid === uid);
      const json = JSON.stringify([status, gone]);
      if (before?.json === json) continue;
      this.lastStatus.set(uid, { json, status });
      this.o.onStatus({
        namespace: pod.metadata.namespace ?? "default",
        name: pod.metadata.name ?? "",
        uid,
        status,
        ...(gone ? { gone: true as const } : {}),
      });
    }
  }
}
