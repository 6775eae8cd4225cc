// When a pod's next operation may run: one at a time per pod, a few pods at once (stopping
// is exempt: it is waiting out grace periods, not work), and a pod whose last operation
// failed only after its back-off, unless the pod changed since (Kubernetes' crash-loop
// schedule).

import { Backoff } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";
import { CRASH_LOOP_BACKOFF } from "./container-plan.js";

export class PodOperations {
  private readonly busy = new Set<string>();
  /**
   * Operations ended so far, and the count when each pod's last one ended: a pass whose
   * list began before a pod's operation ended saw the pod as it was before.
   */
  private ended = 0;
  private readonly endedAt = new Map<string, number>();
  private readonly ops = new Set<Promise<void>>();
  private readonly queue: (() => void)[] = [];
  private running = 0;
  private readonly failing: Backoff;
  /** Per failing pod: what it was when it failed (see `failed`). */
  private readonly failedVersion = new Map<string, string>();

  constructor(
    clock: Clock,
    private readonly concurrency: number,
    /** Called after each operation's end (a new pass sees its outcome). */
    private readonly onEnd: () => void,
  ) {
    this.failing = new Backoff(CRASH_LOOP_BACKOFF, { clock });
  }

  /** Whether the pod has an operation in flight. */
  isBusy(uid: string): boolean {
    return this.busy.has(uid);
  }

  /** How many operations have ended: take it before listing the containers... */
  get endedCount(): number {
    return this.ended;
  }

  /** ...and a pod whose operation ended since `endedCount` was taken was listed stale. */
  endedSince(uid: string, count: number): boolean {
    return (this.endedAt.get(uid) ?? 0) > count;
  }

  /** Whether any operation is in flight. */
  get idle(): boolean {
    return this.ops.size === 0;
  }

  /** Waits for the operations in flight now. */
  async inFlight(): Promise<void> {
    await Promise.allSettled([...this.ops]);
  }

  /** The pod left the set. */
  forget(uid: string): void {
    this.endedAt.delete(uid);
  }

  /**
   * When a failing pod may be tried again (undefined: now). `version` tells what the pod
   * is now; one that changed since its failure may go at once.
   */
  readyAt(uid: string, version: () => string | undefined): number | undefined {
    const at = this.failing.readyAt(uid);
    if (at === undefined) return undefined;
    // Worked out only for a failing pod: a pod's version is the JSON of its spec.
    const now = version();
    if (now === undefined || now !== this.failedVersion.get(uid)) {
      this.succeeded(uid);
      return undefined;
    }
    return at;
  }

  /** The pod's operation failed while it was `version`: its back-off grows. */
  failed(uid: string, version: string): void {
    this.failing.fail(uid);
    this.failedVersion.set(uid, version);
  }

  succeeded(uid: string): void {
    this.failing.reset(uid);
    this.failedVersion.delete(uid);
  }

  /** Runs the pod's operation, within the cap unless `uncapped`. */
  start(uid: string, uncapped: boolean, operation: () => Promise<void>): void {
    this.busy.add(uid);
    const op = (uncapped ? operation() : this.capped(operation)).finally(() => {
      this.endedAt.set(uid, ++this.ended);
      this.busy.delete(uid);
      this.ops.delete(op);
      this.onEnd();
    });
    this.ops.add(op);
  }

  private async capped(fn: () => Promise<void>): Promise<void> {
    if (this.running >= this.concurrency) await new Promise<void>((r) => this.queue.push(r));
    this.running++;
    try {
      await fn();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}
