// How long the controller waits before replacing a failed daemon pod again on the same
// node: 1 s, doubling up to 15 min, per (DaemonSet uid, generation, node), so a pod that
// fails at once is not recreated in a tight loop.

import { Backoff, type BackoffPolicy } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";

/** A node idle for twice the longest wait starts afresh (and its streak is forgotten). */
export const FAILED_POD_BACKOFF: BackoffPolicy = {
  initialMs: 1_000,
  maxMs: 15 * 60_000,
  forgetAfterMs: 2 * 15 * 60_000,
};

/** Per-node back-off for replacing failed pods. Kept in memory by the controller. */
export class FailedPodBackoff {
  /** Per DaemonSet generation, the streaks by node name (one pass reads one DaemonSet's). */
  private readonly byDaemonSet = new Map<string, Backoff>();

  constructor(private readonly clock: Pick<Clock, "now">) {}

  private static key(uid: string, generation: number | undefined): string {
    return `${uid}/${generation ?? 0}`;
  }

  /** Per node name: the time before which a failed pod of this DaemonSet is left alone. */
  untilByNode(uid: string, generation: number | undefined): Map<string, number> {
    const result = new Map<string, number>();
    const perNode = this.byDaemonSet.get(FailedPodBackoff.key(uid, generation));
    for (const node of perNode?.keys() ?? []) result.set(node, perNode!.readyAt(node)!);
    return result;
  }

  /** A failed pod on the node was just deleted: the next one waits longer. */
  next(uid: string, generation: number | undefined, node: string, now: number): void {
    const key = FailedPodBackoff.key(uid, generation);
    let perNode = this.byDaemonSet.get(key);
    if (!perNode)
      this.byDaemonSet.set(key, (perNode = new Backoff(FAILED_POD_BACKOFF, { clock: this.clock })));
    perNode.fail(node, now);
  }

  /** Forgets the streaks idle for longer than twice the longest back-off. */
  gc(now: number): void {
    for (const [key, perNode] of this.byDaemonSet) {
      perNode.forgetIdle(now);
      if (perNode.size === 0) this.byDaemonSet.delete(key);
    }
  }
}
