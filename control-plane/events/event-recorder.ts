// Records v1 Events ("what happened") for kubectl describe and kubectl get events. Repeats
// of the same event on the same object are folded into one with a growing count, as
// Kubernetes does; past 25 similar events (same object, source, type and reason, other
// messages) within the fold window, the rest fold into one "(combined from similar
// events)" event, as Kubernetes' event correlator does — so a DaemonSet that creates 10,000
// pods has 26 SuccessfulCreate events, not 10,000. Events older than the TTL are removed by
// gc(), judged by times the server vouches for (event-expiry.ts), and beyond 20,000 events
// the oldest go, so memory stays bounded however busy the fleet. Messages are cut to Kubernetes' 1 KiB, as the API
// refuses longer ones from clients.

import type { KubeEvent, KubeObject, ObjectReference } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { rfc3339 } from "../../shared/clock.js";
import { EVENT_LIMITS, truncateUtf8 } from "../../shared/limits.js";
import { RecentMap } from "../../shared/recent-map.js";
import { resourceForKind } from "../kube/index.js";
import type { Store, StoreWriter } from "../store/store.js";
import { expiryTimes } from "./event-expiry.js";
import type { SliceScheduler } from "../slices.js";

export interface EventSource {
  component: string;
  host?: string;
}

/** How long a repeat is folded into the earlier event instead of making a new one. */
const FOLD_WINDOW_MS = 10 * 60_000;
/** How often outdated fold and similarity records are trimmed. */
const FORGET_EVERY_MS = 60_000;
/** Similar events (only the message differs) kept apart before the rest are combined. */
export const SIMILAR_EVENTS_KEPT = 25;
const COMBINED_PREFIX = "(combined from similar events): ";
/** Enough for every pod of a 10,000-node fleet to show its recent events; memory stays bounded. */
const DEFAULT_MAX_EVENTS = 20_000;

interface Folded {
  name: string;
  namespace: string;
  at: number;
}

/** Repeats of one event counted during a recordAll, written once at its end. */
interface PendingFold {
  seen: Folded;
  repeats: number;
  at: number;
  message: string | undefined;
}

export class EventRecorder {
  /**
   * Per fold key: the event repeats fold into. Bounded (at least as many as the events kept,
   * the least recently seen forgotten first) as Kubernetes' event correlator bounds its
   * caches: a busy fleet records ~5 events per pod per rollout, which within the fold window
   * would otherwise pile up cycle after cycle.
   */
  private readonly folded: RecentMap<string, Folded>;
  /** Per similar-events key: how many distinct events it has had in the window (bounded alike). */
  private readonly similar: RecentMap<string, { count: number; at: number }>;
  /** Names made in the same millisecond get a counter (Kubernetes names events by time). */
  private sequence = 0;
  /** When the fold and similarity records were last trimmed (clock ms). */
  private forgotAt = -Infinity;
  /** Before this (clock ms) no event can have expired: see collector(). */
  private quietUntil = -Infinity;
  /** During recordAll: the repeats counted so far, per fold key. */
  private pending: Map<string, PendingFold> | undefined;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      ttlMs: number;
      /** Events kept at most (the oldest go first); default 20,000. */
      maxEvents?: number;
    },
  ) {
    // Twice the events kept: a RecentMap keeps half its capacity at least.
    const capacity = 2 * Math.max(1, this.maxEvents);
    this.folded = new RecentMap(capacity);
    this.similar = new RecentMap(capacity);
  }

  /** How many fold and similarity records are kept (each at most twice maxEvents). */
  get memory(): { folded: number; similar: number } {
    return { folded: this.folded.size, similar: this.similar.size };
  }

  /** How many events the store keeps at most. */
  get maxEvents(): number {
    return this.deps.maxEvents ?? DEFAULT_MAX_EVENTS;
  }

  /** A reference to an object, as an Event's involvedObject. */
  static referenceTo(
    object: KubeObject,
    kind = object.kind,
    apiVersion = object.apiVersion,
  ): ObjectReference {
    const ref: ObjectReference = { kind, name: object.metadata.name, uid: object.metadata.uid };
    if (apiVersion) ref.apiVersion = apiVersion;
    if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
    if (object.metadata.resourceVersion) ref.resourceVersion = object.metadata.resourceVersion;
    return ref;
  }

  /**
   * Records one event. Pass `tx` to write it in the caller's transaction (a reconcile pass
   * that creates many pods records their events in the same commit), and `at` (clock ms)
   * for an event that happened before it is written.
   */
  record(
    involved: ObjectReference,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    source: EventSource,
    tx?: StoreWriter,
    at?: number,
  ): void {
    const note = truncateUtf8(message, EVENT_LIMITS.message);
    const write = (w: StoreWriter): void => this.write(w, involved, type, reason, note, source, at);
    if (tx) write(tx);
    else this.deps.store.transaction(write);
  }

  /**
   * Records one event per message, as many record() calls would, in `tx`; but an event that
   * folds many of them (a DaemonSet's "(combined from similar events)" SuccessfulCreate of
   * thousands of pods) is written once with its final count, not once per repeat.
   */
  recordAll(
    involved: ObjectReference,
    type: "Normal" | "Warning",
    reason: string,
    messages: readonly string[],
    source: EventSource,
    tx: StoreWriter,
  ): void {
    const pending = new Map<string, PendingFold>();
    this.pending = pending;
    try {
      for (const m of messages)
        this.write(tx, involved, type, reason, truncateUtf8(m, EVENT_LIMITS.message), source);
    } finally {
      this.pending = undefined;
    }
    for (const p of pending.values()) this.writeFold(tx, p.seen, p.repeats, p.at, p.message);
  }

  private write(
    w: StoreWriter,
    involved: ObjectReference,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    source: EventSource,
    at?: number,
  ): void {
    const now = at ?? this.deps.clock.now();
    // Cluster-scoped objects (nodes) have their events in "default", as in Kubernetes.
    const namespace = involved.namespace ?? "default";
    const similarKey = [
      involved.kind,
      namespace,
      involved.name,
      involved.uid,
      involved.fieldPath,
      type,
      reason,
      source.component,
      source.host,
    ].join("\u0000");
    const key = `${similarKey}\u0000${message}`;
    if (this.fold(w, key, now)) return;
    let note = message;
    let foldKey = key;
    const similar = this.similar.get(similarKey);
    if (similar && now - similar.at < FOLD_WINDOW_MS) {
      similar.at = now;
      if (++similar.count > SIMILAR_EVENTS_KEPT) {
        note = truncateUtf8(COMBINED_PREFIX + message, EVENT_LIMITS.message);
        foldKey = `${similarKey}\u0000${COMBINED_PREFIX}`;
        if (this.fold(w, foldKey, now, note)) return;
      }
    } else this.similar.set(similarKey, { count: 1, at: now });
    const ts = rfc3339(now);
    const name = `${involved.name ?? "unknown"}.${this.nameSuffix(now)}`;
    const event: KubeEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message: note,
      source: source.host
        ? { component: source.component, host: source.host }
        : { component: source.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      eventTime: null,
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host ?? "",
    };
    w.create("events", event);
    this.folded.set(foldKey, { name, namespace, at: now });
  }

  /** Counts a repeat into the event recorded under `key` (with `message`, when given); false when there is none. */
  private fold(w: StoreWriter, key: string, now: number, message?: string): boolean {
    const seen = this.folded.get(key);
    if (!seen || now - seen.at >= FOLD_WINDOW_MS) return false;
    const counted = this.pending?.get(key);
    if (counted) {
      counted.repeats++;
      counted.at = now;
      if (message !== undefined) counted.message = message;
    } else {
      if (!w.get<KubeEvent>("events", seen.namespace, seen.name)) return false;
      if (this.pending) this.pending.set(key, { seen, repeats: 1, at: now, message });
      else this.writeFold(w, seen, 1, now, message);
    }
    seen.at = now;
    return true;
  }

  /** Adds `repeats` to the count of the event `seen` names, last seen `now`. */
  private writeFold(w: StoreWriter, seen: Folded, repeats: number, now: number, message?: string): void {
    const existing = w.get<KubeEvent>("events", seen.namespace, seen.name);
    if (!existing) return;
    const next = structuredClone(existing) as KubeEvent;
    next.count = (existing.count ?? 1) + repeats;
    next.lastTimestamp = rfc3339(now);
    if (message !== undefined) next.message = message;
    delete next.metadata.resourceVersion;
    w.update("events", next);
  }

  /** Unique in this process: the time in hex with a counter, as Kubernetes names events by time. */
  private nameSuffix(now: number): string {
    this.sequence = (this.sequence + 1) % 0x100000;
    return `${Math.floor(now).toString(16)}${this.sequence.toString(16).padStart(5, "0")}`;
  }

  /**
   * Removes events whose last occurrence is older than the TTL, and the oldest beyond the
   * cap, at once; returns how many.
   */
  gc(): number {
    let removed = 0;
    const step = this.collector((n) => (removed = n));
    while (step(Infinity));
    return removed;
  }

  /**
   * gc() in slices of the control plane's turns (at most `sliceMs` each); `done` hears how
   * many were removed. The events are judged as they were when the scan began; one already
   * gone is skipped.
   */
  gcInSteps(slices: SliceScheduler, sliceMs: number, done: (removed: number) => void): void {
    const step = this.collector(done);
    const task = slices.add("event collection", sliceMs, (deadline) => {
      let more: boolean;
      try {
        more = step(deadline);
      } catch {
        // The store closed meanwhile (shutdown) or failed: the next collection tries again.
        more = false;
        done(0);
      }
      if (!more) task.cancel();
      return more;
    });
    task.wake();
  }

  /** The collection as a step function: works until the deadline; false (after `done`) when finished. */
  private collector(done: (removed: number) => void): (deadline: number) => boolean {
    const now = this.deps.clock.now();
    // Fold and similarity records matter only within the fold window (an older one is
    // ignored where it is read, and their number is capped): trimmed once a minute at most.
    if (now - this.forgotAt >= FORGET_EVERY_MS) {
      this.forgotAt = now;
      const forgetBefore = now - FOLD_WINDOW_MS;
      for (const [key, seen] of this.folded.entries()) if (seen.at < forgetBefore) this.folded.delete(key);
      for (const [key, seen] of this.similar.entries()) if (seen.at < forgetBefore) this.similar.delete(key);
    }
    // Nothing can have expired yet and the cap holds: the events are not read at all (an idle
    // fleet's thousands of events were parsed every 10 s, for nothing, most of the time).
    if (now < this.quietUntil && this.deps.store.count("events") <= this.maxEvents)
      return () => {
        done(0);
        return false;
      };
    const all = this.deps.store.scan<KubeEvent>("events");
    const victims: KubeEvent[] = [];
    const kept: { event: KubeEvent; seen: number }[] = [];
    // An event's last time is never before it was stored, and events stored after this scan
    // begins are younger than it: none can expire before the oldest kept one's creation (or
    // this scan's start) plus the TTL, whatever is written meanwhile.
    let oldest = now;
    let scanned = 0;
    let deleted = 0;
    let selected = false;
    // One step: scan, then pick the oldest beyond the cap, then delete; false when all is done.
    const step = (deadline: number): boolean => {
      if (scanned < all.length) {
        // Each event's time is worked out once: parsing dates is most of the scan.
        while (scanned < all.length) {
          const event = all[scanned++] as KubeEvent;
          const times = expiryTimes(event, now);
          if (times === undefined || times.seen < now - this.deps.ttlMs) victims.push(event);
          else {
            kept.push({ event, seen: times.seen });
            if (times.created < oldest) oldest = times.created;
          }
          if ((scanned & 255) === 0 && performance.now() >= deadline) return true;
        }
      }
      if (!selected) {
        selected = true;
        this.quietUntil = oldest + this.deps.ttlMs;
        const over = kept.length - this.maxEvents;
        if (over > 0) {
          kept.sort((a, b) => a.seen - b.seen);
          for (let i = 0; i < over; i++) victims.push((kept[i] as { event: KubeEvent }).event);
        }
        kept.length = 0;
      }
      if (deleted >= victims.length) {
        done(victims.length);
        return false;
      }
      this.deps.store.transaction((tx) => {
        while (deleted < victims.length) {
          const e = victims[deleted++] as KubeEvent;
          if (tx.get("events", e.metadata.namespace, e.metadata.name ?? ""))
            tx.delete("events", e.metadata.namespace, e.metadata.name ?? "");
          if ((deleted & 63) === 0 && performance.now() >= deadline) break;
        }
      });
      if (deleted < victims.length) return true;
      done(victims.length);
      return false;
    };
    return step;
  }
}

/** The apiVersion/kind pair for an object's reference, from the resource table. */
export function kindOf(resourceKind: string): { kind: string; apiVersion: string } {
  const info = resourceForKind(resourceKind);
  return {
    kind: resourceKind,
    apiVersion: info ? (info.group ? `${info.group}/${info.version}` : info.version) : "v1",
  };
}
