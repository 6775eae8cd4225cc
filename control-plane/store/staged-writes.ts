// The writes of an open transaction, held apart from the committed objects until COMMIT:
// what `tx.get` sees, the events to announce, and an undo log so that a nested transaction
// that throws can be taken back alone.

import type { KubeObject } from "../../shared/api-types.js";
import type { ResourceName } from "../kube/index.js";
import type { ObjectCache } from "./object-cache.js";
import type { ChangeEvent, StoreWriter } from "./store.js";

interface UndoEntry {
  at: string;
  had: boolean;
  value: KubeObject | null | undefined;
}

/** A position in the staged writes to roll back to. */
export interface StageMark {
  events: number;
  undo: number;
}

/** One open transaction's staged objects and events. */
export class StagedWrites {
  readonly events: ChangeEvent[] = [];
  readonly writer: StoreWriter;
  /** Staged state by resource and key; null marks a deletion. */
  private readonly objects = new Map<string, KubeObject | null>();
  private readonly undo: UndoEntry[] = [];

  constructor(
    private readonly baseRevision: number,
    makeWriter: (staged: StagedWrites) => StoreWriter,
  ) {
    this.writer = makeWriter(this);
  }

  /** The revision the next write of this transaction gets. */
  get nextRevision(): number {
    return this.baseRevision + this.events.length + 1;
  }

  /** The object as this transaction sees it: staged if written here, else committed. */
  lookup(resource: ResourceName, key: string, cache: ObjectCache): KubeObject | undefined {
    const staged = this.objects.get(`${resource}\u0000${key}`);
    if (staged === null) return undefined;
    return staged ?? cache.get(resource, key);
  }

  /** Stages a write (object, or null for a delete) and its event. */
  record(resource: ResourceName, key: string, object: KubeObject | null, event: ChangeEvent): void {
    const at = `${resource}\u0000${key}`;
    this.undo.push({ at, had: this.objects.has(at), value: this.objects.get(at) });
    this.objects.set(at, object);
    this.events.push(Object.freeze(event));
  }

  mark(): StageMark {
    return { events: this.events.length, undo: this.undo.length };
  }

  /** Takes back every write staged after `mark`. */
  rollbackTo(mark: StageMark): void {
    while (this.undo.length > mark.undo) {
      const entry = this.undo.pop() as UndoEntry;
      if (entry.had) this.objects.set(entry.at, entry.value ?? null);
      else this.objects.delete(entry.at);
    }
    this.events.length = mark.events;
  }
}
