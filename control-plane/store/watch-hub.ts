// Delivers committed changes to watchers and onChange listeners. Deliveries go through one
// queue, so that a listener that causes another commit cannot make anyone hear revisions
// out of order; each watcher remembers the last revision it heard, so a replay and a live
// delivery never repeat an event. A listener that throws is ignored: it must not break the
// store or the other listeners.

import { errors } from "../../shared/errors.js";
import type { ResourceName } from "../kube/index.js";
import type { ChangeHistory } from "./change-history.js";
import type { ChangeEvent, WatchHandle } from "./store.js";

interface Watcher {
  listener: (event: ChangeEvent) => void;
  /** The last revision this watcher heard (or chose to skip). */
  heard: number;
  active: boolean;
}

type BatchListener = (events: ChangeEvent[]) => void;

function callSafely<A>(fn: (arg: A) => void, arg: A): void {
  try {
    fn(arg);
  } catch {
    // A listener's failure is its own business; the store and the other listeners go on.
  }
}

/** Watchers per resource, batch listeners, and the delivery queue between them. */
export class WatchHub {
  private readonly watchers = new Map<ResourceName, Set<Watcher>>();
  private readonly batchListeners = new Set<BatchListener>();
  private readonly queue: ChangeEvent[][] = [];
  private delivering = false;

  constructor(private readonly history: ChangeHistory) {}

  /**
   * Subscribes to one resource. With `fromRevision`, replays the history after it first;
   * throws Expired when the history no longer reaches back that far.
   */
  watch(
    resource: ResourceName,
    fromRevision: number | undefined,
    currentRevision: number,
    listener: (event: ChangeEvent) => void,
  ): WatchHandle {
    if (fromRevision !== undefined && fromRevision < currentRevision && !this.history.covers(fromRevision)) {
      throw errors.expired(`too old resource version: ${fromRevision} (${currentRevision})`);
    }
    const watcher: Watcher = { listener, heard: fromRevision ?? currentRevision, active: true };
    let set = this.watchers.get(resource);
    if (!set) this.watchers.set(resource, (set = new Set()));
    set.add(watcher);
    if (fromRevision !== undefined) {
      for (const event of this.history.since(fromRevision, resource)) this.deliver(watcher, event);
    }
    return {
      cancel: () => {
        watcher.active = false;
        this.watchers.get(resource)?.delete(watcher);
      },
    };
  }

  /** Adds a listener for every committed batch; returns its removal. */
  onChange(listener: BatchListener): () => void {
    this.batchListeners.add(listener);
    return () => {
      this.batchListeners.delete(listener);
    };
  }

  /** Announces one committed transaction's events (already in the history). */
  publish(events: ChangeEvent[]): void {
    if (events.length === 0) return;
    this.queue.push(events);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) this.announce(batch);
    } finally {
      this.delivering = false;
    }
  }

  /** Forgets every listener (the store is closing). */
  clear(): void {
    for (const set of this.watchers.values()) for (const w of set) w.active = false;
    this.watchers.clear();
    this.batchListeners.clear();
    this.queue.length = 0;
  }

  private announce(batch: ChangeEvent[]): void {
    for (const event of batch) {
      const set = this.watchers.get(event.resource);
      if (!set) continue;
      // A copy: a listener may cancel itself or start another watch meanwhile.
      for (const watcher of Array.from(set)) this.deliver(watcher, event);
    }
    for (const listener of Array.from(this.batchListeners)) callSafely(listener, batch);
  }

  private deliver(watcher: Watcher, event: ChangeEvent): void {
    if (!watcher.active || event.revision <= watcher.heard) return;
    watcher.heard = event.revision;
    callSafely(watcher.listener, event);
  }
}
