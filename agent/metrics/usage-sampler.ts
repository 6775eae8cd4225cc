// kubectl top's figures, sampled on the agent: every interval (the server's
// --metrics-resolution, sent in the welcome) it reads the host's counters and Docker's stats
// of this node's running containers, and sends the CPU rate since the previous sample and
// the memory working set now. A rate needs two samples, so a container shows from its
// second one. Counters live here, in memory; nothing is written.
// Docker's stats of a container can hang for good (a known engine fault): a call that has
// not answered within STATS_DEADLINE_MS leaves its container out of the sample, and no
// second call goes to that container until the first answers, so one stuck container
// neither stops the node's figures nor piles up requests on the engine.

import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import { AGENT_LIMITS, type PodUsageSample, type UsageMessage } from "../../shared/protocol.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { nodeFilter, parseLabels, SANDBOX } from "../runtime/labels.js";
import type { ContainerUsage } from "../runtime/stream-runtime.js";
import type { HostUsage } from "./host-usage.js";

/** One reading of a cumulative CPU counter, at `at` (clock ms). */
export interface CpuReading {
  cpuNanoseconds: number;
  at: number;
}

/**
 * The CPU rate between two readings, in nanocores (ns of CPU a second); undefined when there
 * is no earlier reading, no time between them, or the counter went back (a new cgroup).
 */
export function cpuRate(before: CpuReading | undefined, now: CpuReading): number | undefined {
  if (!before || now.at <= before.at || now.cpuNanoseconds < before.cpuNanoseconds) return undefined;
  return Math.round(((now.cpuNanoseconds - before.cpuNanoseconds) * 1000) / (now.at - before.at));
}

/** How long one container's stats may take before the sample goes on without it. */
export const STATS_DEADLINE_MS = 5000;

export interface UsageSamplerDeps {
  nodeName: string;
  runtime: Pick<ContainerRuntime, "list">;
  usage: (containerId: string) => Promise<ContainerUsage>;
  host: () => Promise<HostUsage>;
  clock: Clock;
  logger: Logger;
}

export class UsageSampler {
  private containers = new Map<string, CpuReading>();
  private host: CpuReading | undefined;
  private lastAt: number | undefined;
  private busy = false;
  /** Containers whose stats call is still out. */
  private readonly unanswered = new Set<string>();

  constructor(private readonly deps: UsageSamplerDeps) {}

  /** Samples every `intervalSeconds` and hands each message to `send`; returns the stop. */
  start(intervalSeconds: number, send: (m: UsageMessage) => void): () => void {
    const tick = (): void => {
      // A slow engine must not pile samples up: one at a time, the next tick skipped.
      if (this.busy) return;
      this.busy = true;
      this.sample()
        .then((m) => m && send(m))
        .catch((e: unknown) => this.deps.logger.warn("cannot sample usage", { error: e }))
        .finally(() => (this.busy = false));
    };
    tick();
    return this.deps.clock.every(Math.max(1, intervalSeconds) * 1000, tick);
  }

  /** One sample: the message, or undefined for the first (no rate yet). */
  async sample(): Promise<UsageMessage | undefined> {
    const listed = await this.deps.runtime.list(nodeFilter(this.deps.nodeName));
    const host = await this.deps.host();
    const at = this.deps.clock.now();
    const hostRate = cpuRate(this.host, { cpuNanoseconds: host.cpuNanoseconds, at });
    this.host = { cpuNanoseconds: host.cpuNanoseconds, at };
    const pods = new Map<string, PodUsageSample>();
    const seen = new Map<string, CpuReading>();
    for (const c of listed) {
      const id = parseLabels(c.labels);
      if (!id || id.container === SANDBOX || c.state !== "running") continue;
      const usage = await this.usageOf(c.id);
      if (!usage) continue;
      const reading = { cpuNanoseconds: usage.cpuNanoseconds, at: this.deps.clock.now() };
      seen.set(c.id, reading);
      const rate = cpuRate(this.containers.get(c.id), reading);
      if (rate === undefined) continue;
      let pod = pods.get(id.podUid);
      if (!pod) {
        if (pods.size >= AGENT_LIMITS.usagePods) continue;
        pod = { namespace: id.podNamespace, name: id.podName, uid: id.podUid, containers: [] };
        pods.set(id.podUid, pod);
      }
      if (pod.containers.length < AGENT_LIMITS.usageContainers)
        pod.containers.push({ name: id.container, cpuNanocores: rate, memoryBytes: usage.memoryBytes });
    }
    this.containers = seen;
    const last = this.lastAt;
    this.lastAt = at;
    if (last === undefined || hostRate === undefined) return undefined;
    return {
      v: 1,
      type: "usage",
      timestamp: new Date(at).toISOString(),
      windowSeconds: Math.round(at - last) / 1000,
      node: { cpuNanocores: hostRate, memoryBytes: host.memoryBytes },
      pods: [...pods.values()],
    };
  }

  /** A container's usage; undefined when it is gone, or its stats are late or still out. */
  private async usageOf(id: string): Promise<ContainerUsage | undefined> {
    if (this.unanswered.has(id)) return undefined;
    this.unanswered.add(id);
    const call = this.deps.usage(id).then(
      (u) => u,
      () => undefined, // gone between the list and its stats
    );
    void call.finally(() => this.unanswered.delete(id));
    const stop = new AbortController();
    const late = this.deps.clock.sleep(STATS_DEADLINE_MS, stop.signal).then(
      () => "late" as const,
      () => undefined,
    );
    const first = await Promise.race([call, late]);
    stop.abort();
    if (first !== "late") return first;
    this.deps.logger.warn(
      "the container engine's stats of a container did not answer; left out of kubectl top until they do",
      {
        container: id.slice(0, 12),
        waitedSeconds: STATS_DEADLINE_MS / 1000,
      },
    );
    return undefined;
  }
}
