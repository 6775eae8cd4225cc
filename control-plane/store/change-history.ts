// The bounded memory of recent changes that lets a watch resume from a revision instead of
// relisting: a ring buffer of ChangeEvents in revision order, bounded by count, by bytes
// (the objects' JSON, before and after) and by age. A watch that resumes from before what
// is kept gets 410 Expired and relists, as with Kubernetes' watch cache.

import type { ChangeEvent } from "./store.js";
import type { ResourceName } from "../kube/index.js";
import { storedSize } from "./stored-json.js";

/** Byte and age bounds of the history (the count is the ring's capacity). */
export interface HistoryBounds {
  /** The JSON bytes of the kept events' objects (before and after) at most; default 16 MiB. */
  maxBytes?: number;
  /** Events older than this are dropped (when the next one comes, or by expire()); default 75 s, as Kubernetes' watch cache keeps them fresh. */
  maxAgeMs?: number;
  /** Milliseconds now (the store's clock). */
  now?: () => number;
}

/** An object whose size the store did not record (written before a restart) counts as this. */
const UNKNOWN_OBJECT_BYTES = 1024;

function eventBytes(event: ChangeEvent): number {
  const after = event.type === "DELETED" ? 0 : (storedSize(event.object) ?? UNKNOWN_OBJECT_BYTES);
  const before = event.previous ? (storedSize(event.previous) ?? UNKNOWN_OBJECT_BYTES) : 0;
  return after + before;
}

/** A fixed-capacity ring of the latest ChangeEvents, oldest dropped first. */
export class ChangeHistory {
  private readonly ring: (ChangeEvent | undefined)[];
  /** Index of the oldest event in the ring. */
  private start = 0;
  private count = 0;
  private completeAfter: number;
  /** Per ring slot: the event's bytes and when it was appended. */
  private readonly bytesAt: number[];
  private readonly timeAt: number[];
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  /**
   * @param capacity how many events to keep (0 keeps none)
   * @param startRevision the revision the history starts after: it holds every change
   *   after it and knows nothing of earlier ones (after a restart, the revision at open)
   */
  constructor(
    private readonly capacity: number,
    startRevision: number,
    bounds: HistoryBounds = {},
  ) {
    this.ring = new Array<ChangeEvent | undefined>(Math.max(0, capacity));
    this.bytesAt = new Array<number>(Math.max(0, capacity)).fill(0);
    this.timeAt = new Array<number>(Math.max(0, capacity)).fill(0);
    this.completeAfter = startRevision;
    this.maxBytes = bounds.maxBytes ?? 16 * 1024 * 1024;
    this.maxAgeMs = bounds.maxAgeMs ?? 75_000;
    this.now = bounds.now ?? Date.now;
  }

  /** Adds the next event; events must come in increasing revision order. */
  append(event: ChangeEvent): void {
    if (this.capacity <= 0) {
      this.completeAfter = event.revision;
      return;
    }
    const size = eventBytes(event);
    if (this.count === this.capacity) this.dropOldest();
    this.expire();
    while (this.count > 0 && this.bytes + size > this.maxBytes) this.dropOldest();
    const slot = (this.start + this.count) % this.capacity;
    this.ring[slot] = event;
    this.bytesAt[slot] = size;
    this.timeAt[slot] = this.now();
    this.bytes += size;
    this.count++;
  }

  /**
   * Drops the events older than the age bound; returns how many. Appending does this too,
   * but a quiet store appends nothing, and a burst's history should not outlive it.
   */
  expire(): number {
    const before = this.count;
    const oldestKept = this.now() - this.maxAgeMs;
    while (this.count > 0 && (this.timeAt[this.start] as number) < oldestKept) this.dropOldest();
    return before - this.count;
  }

  /** The bytes the kept events' objects take as JSON. */
  get byteSize(): number {
    return this.bytes;
  }

  /** Dropping the oldest event means the history no longer reaches back before it. */
  private dropOldest(): void {
    const oldest = this.ring[this.start];
    if (oldest) this.completeAfter = oldest.revision;
    this.ring[this.start] = undefined;
    this.bytes -= this.bytesAt[this.start] as number;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
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
