// How long the controller waits before replacing a failed daemon pod again on the same
// node: 1 s, doubling up to 15 min, per (DaemonSet uid, generation, node), so a pod that
// fails at once is not recreated in a tight loop.

const INITIAL_MS = 1_000;
const MAX_MS = 15 * 60_000;

interface Entry {
  delayMs: number;
  lastAt: number;
}

/** Per-node back-off for replacing failed pods. Kept in memory by the controller. */
export class FailedPodBackoff {
  private readonly entries = new Map<string, Map<string, Entry>>();

  private static key(uid: string, generation: number | undefined): string {
    return `${uid}/${generation ?? 0}`;
  }

  /** Per node name: the time before which a failed pod of this DaemonSet is left alone. */
  untilByNode(uid: string, generation: number | undefined): Map<string, number> {
    const result = new Map<string, number>();
    for (const [node, e] of this.entries.get(FailedPodBackoff.key(uid, generation)) ?? []) {
      result.set(node, e.lastAt + e.delayMs);
    }
    return result;
  }

  /** A failed pod on the node was just deleted: the next one waits longer. */
  next(uid: string, generation: number | undefined, node: string, now: number): void {
    const key = FailedPodBackoff.key(uid, generation);
    let perNode = this.entries.get(key);
    if (!perNode) this.entries.set(key, (perNode = new Map()));
    const e = perNode.get(node);
    perNode.set(node, { delayMs: e ? Math.min(e.delayMs * 2, MAX_MS) : INITIAL_MS, lastAt: now });
  }

  /** Forgets entries idle for longer than twice the longest back-off. */
  gc(now: number): void {
    for (const [key, perNode] of this.entries) {
      for (const [node, e] of perNode) if (now - e.lastAt > 2 * MAX_MS) perNode.delete(node);
      if (perNode.size === 0) this.entries.delete(key);
    }
  }
}
