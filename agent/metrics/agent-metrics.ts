// The agent's own figures for the control plane's /metrics (relayed over the agent's
// WebSocket; see the README's "Agent metrics"): its containers by state and their restarts,
// taken from the pod statuses it reports, and the durations it observes (image pulls,
// container starts, reconcile lag), counted into fixed buckets since the previous summary.
// Pure bookkeeping: the clock and the hooks that feed it are passed in.

import type { PodStatus } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import {
  AGENT_METRIC_BUCKETS,
  PROTOCOL_VERSION,
  type DurationCounts,
  type MetricsMessage,
  type PodStatusReport,
} from "../../shared/protocol.js";

/** Observations in AGENT_METRIC_BUCKETS since the last take(). */
export class DurationBuckets {
  private counts = new Array<number>(AGENT_METRIC_BUCKETS.length + 1).fill(0);
  private sum = 0;

  observe(seconds: number): void {
    const s = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
    let i = AGENT_METRIC_BUCKETS.findIndex((le) => s <= le);
    if (i < 0) i = AGENT_METRIC_BUCKETS.length;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += s;
  }

  /** The counts so far, and a fresh start. */
  take(): DurationCounts {
    const taken = { counts: this.counts, sum: this.sum };
    this.counts = new Array<number>(AGENT_METRIC_BUCKETS.length + 1).fill(0);
    this.sum = 0;
    return taken;
  }

  /** Puts back counts a summary that could not be sent carried. */
  restore(d: DurationCounts): void {
    d.counts.forEach((c, i) => (this.counts[i] = (this.counts[i] ?? 0) + c));
    this.sum += d.sum;
  }
}

interface PodFigures {
  running: number;
  waiting: number;
  terminated: number;
  restarts: number;
}

function figuresOf(status: PodStatus): PodFigures {
  const f: PodFigures = { running: 0, waiting: 0, terminated: 0, restarts: 0 };
  for (const c of status.containerStatuses ?? []) {
    if (c.state?.running) f.running++;
    else if (c.state?.terminated) f.terminated++;
    else f.waiting++;
    f.restarts += typeof c.restartCount === "number" ? c.restartCount : 0;
  }
  return f;
}

export class AgentMetrics {
  private readonly pods = new Map<string, PodFigures>();
  readonly imagePulls = new DurationBuckets();
  readonly containerStarts = new DurationBuckets();
  readonly reconcileLag = new DurationBuckets();
  /** When the oldest assignment set the reconcile loop has not looked at yet arrived (clock ms). */
  private pendingSince: number | undefined;

  constructor(private readonly clock: Clock) {}

  /** A pod status the agent reports: its containers now. */
  podStatus(report: PodStatusReport): void {
    this.pods.set(report.uid, figuresOf(report.status));
  }

  /** A pod left the node's set. */
  forget(uid: string): void {
    this.pods.delete(uid);
  }

  /**
   * A new assignment set arrived (told before the worker takes it: taking it starts a pass
   * at once). Returns the undo for a set the worker then ignores as older.
   */
  assignmentsArrived(): () => void {
    const before = this.pendingSince;
    this.pendingSince ??= this.clock.now();
    return () => {
      this.pendingSince = before;
    };
  }

  /** The reconcile loop began a pass (it lists the node's containers first). */
  passStarted(): void {
    if (this.pendingSince === undefined) return;
    this.reconcileLag.observe((this.clock.now() - this.pendingSince) / 1000);
    this.pendingSince = undefined;
  }

  /** The summary to send, with the durations since the previous one. */
  takeSummary(): MetricsMessage {
    const containers = { running: 0, waiting: 0, terminated: 0 };
    let restarts = 0;
    for (const f of this.pods.values()) {
      containers.running += f.running;
      containers.waiting += f.waiting;
      containers.terminated += f.terminated;
      restarts += f.restarts;
    }
    return {
      v: PROTOCOL_VERSION,
      type: "metrics",
      containers,
      restarts,
      imagePulls: this.imagePulls.take(),
      containerStarts: this.containerStarts.take(),
      reconcileLag: this.reconcileLag.take(),
    };
  }

  /** A summary that could not be sent: its durations go into the next one. */
  unsent(m: MetricsMessage): void {
    this.imagePulls.restore(m.imagePulls);
    this.containerStarts.restore(m.containerStarts);
    this.reconcileLag.restore(m.reconcileLag);
  }
}
