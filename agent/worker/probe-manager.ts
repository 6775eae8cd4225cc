// Keeps the probes of this node's running containers going: one entry per running container
// that has probes, one timer for the earliest due probe, and never two probes of one
// container at once. A result that changes what the probes say (ready, started, kill) asks
// the worker for a pass; the worker does the killing, through its usual operations.

import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { ContainerRuntime, ObservedContainer } from "../runtime/container-runtime.js";
import { podIPOf } from "./pod-status.js";
import { parseLabels } from "../runtime/labels.js";
import { containerKey } from "./container-plan.js";
import {
  dueProbes,
  hasProbes,
  initialProbes,
  nextDueAt,
  probeSpecsOf,
  probeView,
  recordResult,
  type ContainerProbes,
  type ProbeSpecs,
  type ProbeView,
} from "./probe-plan.js";
import { runProbe, type ProbeTarget } from "./probe-runner.js";

export interface ProbeManagerDeps {
  runtime: ContainerRuntime;
  clock: Clock;
  logger: Logger;
  hostIP: string;
  /** Called when what the probes say about some container changed. */
  onChange: () => void;
}

/** A probe-triggered kill the worker should carry out. */
export interface ProbeKill {
  podUid: string;
  container: string;
  containerId: string;
  graceSeconds: number;
  message: string;
}

interface Entry {
  podUid: string;
  container: string;
  specs: ProbeSpecs;
  probes: ContainerProbes;
  target: ProbeTarget;
  graceSeconds: number;
  busy: boolean;
  killing: boolean;
}

/** The probe view of one container, for the container it was computed for. */
export type ContainerProbeView = ProbeView & { containerId: string };

function sameView(a: ProbeView, b: ProbeView): boolean {
  return (
    a.ready === b.ready &&
    a.started === b.started &&
    a.kill?.message === b.kill?.message &&
    a.readinessMessage === b.readinessMessage
  );
}

export class ProbeManager {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly warned = new Set<string>();
  private readonly abort = new AbortController();
  private wakeAt = Infinity;

  constructor(private readonly d: ProbeManagerDeps) {}

  /** Follows the running containers of the desired pods; drops state of any other. */
  sync(desired: Pod[] | undefined, observed: ObservedContainer[]): void {
    const seen = new Set<string>();
    const now = this.d.clock.now();
    for (const pod of desired ?? []) {
      const uid = pod.metadata.uid;
      if (!uid || pod.metadata.deletionTimestamp) continue;
      for (const spec of pod.spec.containers) {
        const specs = probeSpecsOf(spec);
        if (!hasProbes(specs)) continue;
        const running = observed
          .filter((c) => c.state === "running")
          .map((c) => ({ c, id: parseLabels(c.labels) }))
          .filter(({ id }) => id?.podUid === uid && id.container === spec.name)
          .sort((a, b) => (b.id?.restartCount ?? 0) - (a.id?.restartCount ?? 0))[0];
        if (!running) continue;
        const key = containerKey(uid, spec.name);
        seen.add(key);
        const podIP = podIPOf(pod, observed, this.d.hostIP) ?? this.d.hostIP;
        const target: ProbeTarget = { containerId: running.c.id, podIP, ports: spec.ports ?? [] };
        const entry = this.entries.get(key);
        if (entry && entry.target.containerId === running.c.id) {
          entry.target = target;
          continue;
        }
        if (specs.startup?.grpc || specs.liveness?.grpc || specs.readiness?.grpc) this.warnGrpc(key);
        // The engine's clock may run ahead of ours: a start "in the future" counts as now.
        const startedAt = Math.min(running.c.startedAt ?? now, now);
        this.entries.set(key, {
          podUid: uid,
          container: spec.name,
          specs,
          probes: initialProbes(startedAt),
          target,
          graceSeconds: running.id?.graceSeconds ?? 30,
          busy: false,
          killing: false,
        });
      }
    }
    for (const key of [...this.entries.keys()]) if (!seen.has(key)) this.entries.delete(key);
    this.runDue();
  }

  /** What the probes say about each followed container, keyed by containerKey. */
  views(): Record<string, ContainerProbeView> {
    const out: Record<string, ContainerProbeView> = {};
    for (const [key, e] of this.entries) {
      out[key] = { ...probeView(e.specs, e.probes), containerId: e.target.containerId };
    }
    return out;
  }

  /** Containers whose liveness or startup probe failed for good and that are not being killed yet. */
  kills(): ProbeKill[] {
    const out: ProbeKill[] = [];
    for (const e of this.entries.values()) {
      const kill = probeView(e.specs, e.probes).kill;
      if (!kill || e.killing) continue;
      const spec = e.specs[kill.kind];
      out.push({
        podUid: e.podUid,
        container: e.container,
        containerId: e.target.containerId,
        graceSeconds: spec?.terminationGracePeriodSeconds ?? e.graceSeconds,
        message: kill.message,
      });
    }
    return out;
  }

  /** The worker took the kill over: no more probes for that container. */
  markKilling(podUid: string, container: string): void {
    const e = this.entries.get(containerKey(podUid, container));
    if (e) e.killing = true;
  }

  /** Waits for the probes running now. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops the timer; running probes end on their own timeouts. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  private warnGrpc(key: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.d.logger.warn("gRPC probes are not supported; they count as Unknown", { container: key });
  }

  private runDue(): void {
    if (this.abort.signal.aborted) return;
    const now = this.d.clock.now();
    let next = Infinity;
    for (const [key, e] of this.entries) {
      if (e.busy || e.killing) continue;
      const due = dueProbes(e.specs, e.probes, now);
      if (due.length > 0) this.launch(key, e, due);
      else next = Math.min(next, nextDueAt(e.specs, e.probes));
    }
    this.schedule(next, now);
  }

  private launch(key: string, e: Entry, due: ReturnType<typeof dueProbes>): void {
    e.busy = true;
    const op = (async () => {
      for (const kind of due) {
        const spec = e.specs[kind];
        if (!spec || this.entries.get(key) !== e || e.killing) break;
        const result = await runProbe(spec, e.target, { runtime: this.d.runtime, clock: this.d.clock });
        // The container may have gone while its probe ran: such a result is dropped.
        if (this.entries.get(key) !== e) return;
        const before = probeView(e.specs, e.probes);
        e.probes = recordResult(e.specs, e.probes, kind, result.outcome, result.message, this.d.clock.now());
        if (result.outcome === "failure") {
          this.d.logger.debug("probe failed", { container: key, probe: kind, message: result.message });
        }
        if (!sameView(before, probeView(e.specs, e.probes))) this.d.onChange();
      }
    })()
      .catch((err: unknown) => this.d.logger.warn("probe could not run", { container: key, error: err }))
      .finally(() => {
        e.busy = false;
        this.inFlight.delete(op);
        this.runDue();
      });
    this.inFlight.add(op);
  }

  private schedule(at: number, now: number): void {
    if (at === Infinity || at >= this.wakeAt) return;
    this.wakeAt = at;
    void this.d.clock
      .sleep(Math.max(0, at - now), this.abort.signal)
      .then(() => {
        if (this.wakeAt === at) this.wakeAt = Infinity;
        this.runDue();
      })
      .catch(() => {});
  }
}
