// The bounded memory of recent changes that lets a watch resume from a revision instead of
// relisting: a ring buffer of ChangeEvents in revision order.

import type { ChangeEvent } from "./store.js";
import type { ResourceName } from "../kube/index.js";

/** A fixed-capacity ring of the latest ChangeEvents, oldest dropped first. */
export class ChangeHistory {
  private readonly ring: (ChangeEvent | undefined)[];
  /** Index of the oldest event in the ring. */
  private start = 0;
  private count = 0;
  private completeAfter: number;

  /**
   * @param capacity how many events to keep (0 keeps none)
   * @param startRevision the revision the history starts after: it holds every change
   *   after it and knows nothing of earlier ones (after a restart, the revision at open)
   */
  constructor(
    private readonly capacity: number,
    startRevision: number,
  ) {
    this.ring = new Array<ChangeEvent | undefined>(Math.max(0, capacity));
    this.completeAfter = startRevision;
  }

  /** Adds the next event; events must come in increasing revision order. */
  append(event: ChangeEvent): void {
    if (this.capacity <= 0) {
      this.completeAfter = event.revision;
      return;
    }
    if (this.count === this.capacity) {
      const oldest = this.ring[this.start];
      // Dropping the oldest event means the history no longer reaches back before it.
      if (oldest) this.completeAfter = oldest.revision;
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
      return;
    }
    this.ring[(this.start + this.count) % this.capacity] = event;
    this.count++;
  }

  /** True when the history holds every change after `revision`. */
  covers(revision: number): boolean {
    return revision >= this.completeAfter;
  }

  /** How many events are kept. */
  get size(): number {
    return this.count;
  }

  /** The kept events with a revision above `revision`, of one resource when given, in order. */
  since(revision: number, resource?: ResourceName): ChangeEvent[] {
    const out: ChangeEvent[] = [];
    for (let i = this.firstAfter(revision); i < this.count; i++) {
      const event = this.at(i);
      if (resource === undefined || event.resource === resource) out.push(event);
    }
    return out;
  }

  private at(i: number): ChangeEvent {
    return this.ring[(this.start + i) % this.capacity] as ChangeEvent;
  }

  /** Binary search: the logical index of the first event with a revision above `revision`. */
  private firstAfter(revision: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
