// The kubelet's log layout on this node: for every container attempt the agent runs, a
// follower (log-follower.ts) writes `<root>/pods/<ns>_<pod>_<uid>/<container>/<n>.log` in the
// CRI format and links `<root>/containers/<pod>_<ns>_<container>-<id>.log` to it; files of
// containers gone for a while are removed (cleanup-plan.ts). It finds containers by the
// engine's events and a periodic pass, apart from the worker: it only reads the engine.

import { readdir, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { backoffDelay } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { ContainerRuntime, ObservedContainer } from "../runtime/container-runtime.js";
import { LABELS, nodeFilter, parseLabels, SANDBOX } from "../runtime/labels.js";
import { attemptKey, planCleanup, type OnDisk } from "./cleanup-plan.js";
import { parseLinkName, podLogDir, type LogIdentity } from "./cri-format.js";
import { FOLLOW_BACKOFF, LogFollower } from "./log-follower.js";
import type { RotationPolicy } from "./rotation.js";

export interface PodLogOptions {
  runtime: ContainerRuntime;
  nodeName: string;
  /** The layout's root: `/var/log` writes `/var/log/pods` and `/var/log/containers`. */
  root: string;
  policy: RotationPolicy;
  clock: Clock;
  logger: Logger;
  /** How long the files of a container that is gone stay (default 60 s). */
  cleanupAfterMs?: number;
  /** How often the containers are listed besides the engine's events (default 10 s). */
  resyncMs?: number;
  random?: () => number;
}

function identityOf(c: ObservedContainer): LogIdentity | undefined {
  const id = parseLabels(c.labels);
  if (!id || id.container === SANDBOX) return undefined;
  return {
    namespace: id.podNamespace,
    podName: id.podName,
    podUid: id.podUid,
    container: id.container,
    restartCount: id.restartCount,
  };
}

const keyOf = (root: string, i: LogIdentity): string =>
  attemptKey(path.basename(podLogDir(root, i)), i.container, i.restartCount);

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

export class PodLogManager {
  private readonly abort = new AbortController();
  private readonly followers = new Map<string, { done: boolean; run: Promise<void> }>();
  private goneSince = new Map<string, number>();
  private pass: Promise<void> | undefined;
  private dirty = false;
  private cancelTimer: (() => void) | undefined;
  private listFailures = 0;

  constructor(private readonly o: PodLogOptions) {}

  start(): void {
    this.cancelTimer = this.o.clock.every(this.o.resyncMs ?? 10_000, () => this.trigger());
    void this.watchEvents();
    this.trigger();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.cancelTimer?.();
    await this.pass;
    await Promise.allSettled([...this.followers.values()].map((f) => f.run));
  }

  /** Runs a pass now, or right after the current one. */
  trigger(): void {
    if (this.abort.signal.aborted) return;
    if (this.pass) {
      this.dirty = true;
      return;
    }
    this.pass = this.runPass().finally(() => {
      this.pass = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.trigger();
      }
    });
  }

  /** Resolves once no pass is running (tests wait on it). */
  async idle(): Promise<void> {
    while (this.pass) await this.pass;
  }

  private async watchEvents(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      const started = this.o.clock.now();
      try {
        await this.o.runtime.events(nodeFilter(this.o.nodeName), this.abort.signal, (e) => {
          if (e.action === "start" || e.action === "destroy") this.trigger();
        });
      } catch {
        // The periodic pass goes on; the stream is opened again after the back-off.
      }
      failures = this.o.clock.now() - started > FOLLOW_BACKOFF.maxMs ? 1 : failures + 1;
      await this.o.clock
        .sleep(backoffDelay(FOLLOW_BACKOFF, failures, this.o.random), this.abort.signal)
        .catch(() => undefined);
    }
  }

  private async runPass(): Promise<void> {
    let mine: ObservedContainer[];
    try {
      mine = await this.o.runtime.list(nodeFilter(this.o.nodeName));
      this.listFailures = 0;
    } catch (e) {
      // Passes come from the timer and events; a failing engine is not asked more often than this.
      this.listFailures++;
      if (this.listFailures === 1)
        this.o.logger.warn("cannot list containers for their log files", { error: e });
      await this.o.clock
        .sleep(backoffDelay(FOLLOW_BACKOFF, this.listFailures, this.o.random), this.abort.signal)
        .catch(() => undefined);
      return;
    }
    const present = new Set(mine.map((c) => c.id));
    for (const id of this.followers.keys()) if (!present.has(id)) this.followers.delete(id);
    for (const c of mine) {
      const identity = identityOf(c);
      if (!identity || c.startedAt === undefined || this.followers.has(c.id)) continue;
      this.follow(c.id, identity);
    }
    await this.cleanup(mine).catch((e: unknown) =>
      this.o.logger.warn("cannot remove old log files", { error: e }),
    );
  }

  private follow(id: string, identity: LogIdentity): void {
    const follower = new LogFollower(id, identity, {
      runtime: this.o.runtime,
      root: this.o.root,
      policy: this.o.policy,
      clock: this.o.clock,
      logger: this.o.logger,
      ...(this.o.random ? { random: this.o.random } : {}),
    });
    const entry = { done: false, run: Promise.resolve() };
    entry.run = follower.run(this.abort.signal).finally(() => (entry.done = true));
    this.followers.set(id, entry);
  }

  private async onDisk(): Promise<OnDisk> {
    const attempts: string[] = [];
    for (const pod of await names(path.join(this.o.root, "pods"))) {
      for (const container of await names(path.join(this.o.root, "pods", pod))) {
        const counts = new Set<number>();
        for (const f of await names(path.join(this.o.root, "pods", pod, container))) {
          const m = /^(\d+)\.log(\..+)?$/.exec(f);
          if (m) counts.add(Number(m[1]));
        }
        for (const n of counts) attempts.push(attemptKey(pod, container, n));
      }
    }
    const links: OnDisk["links"] = [];
    for (const name of await names(path.join(this.o.root, "containers"))) {
      const parsed = parseLinkName(name);
      if (parsed) links.push({ name, containerId: parsed.containerId });
    }
    return { attempts, links };
  }

  private async cleanup(mine: ObservedContainer[]): Promise<void> {
    const disk = await this.onDisk();
    const mineKeys = new Set(
      mine.flatMap((c) => (identityOf(c) ? [keyOf(this.o.root, identityOf(c)!)] : [])),
    );
    const mineIds = new Set(mine.map((c) => c.id));
    const unknown =
      disk.attempts.some((a) => !mineKeys.has(a)) || disk.links.some((l) => !mineIds.has(l.containerId));
    if (!unknown && this.goneSince.size === 0) return;
    // Another agent sharing this directory may run them: ask about every node's containers.
    const all = unknown ? await this.o.runtime.list({ [LABELS.managed]: "true" }) : mine;
    const live = {
      attempts: new Set(all.flatMap((c) => (identityOf(c) ? [keyOf(this.o.root, identityOf(c)!)] : []))),
      containerIds: new Set(all.map((c) => c.id)),
    };
    const plan = planCleanup(disk, live, this.goneSince, this.o.clock.now(), this.o.cleanupAfterMs ?? 60_000);
    this.goneSince = plan.goneSince;
    for (const name of plan.removeLinks)
      await rm(path.join(this.o.root, "containers", name), { force: true });
    for (const key of plan.removeAttempts) await this.removeAttempt(key);
  }

  /** Removes one attempt's files, then its container and pod folders once empty. */
  private async removeAttempt(key: string): Promise<void> {
    const [pod = "", container = "", count = ""] = key.split("/");
    const dir = path.join(this.o.root, "pods", pod, container);
    for (const f of await names(dir)) {
      if (f === `${count}.log` || f.startsWith(`${count}.log.`)) await rm(path.join(dir, f), { force: true });
    }
    await rmdir(dir).catch(() => undefined);
    await rmdir(path.join(this.o.root, "pods", pod)).catch(() => undefined);
    this.o.logger.debug("removed the log files of a container that is gone", { attempt: key });
  }
}
