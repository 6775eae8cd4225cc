// Empties Terminating namespaces in slices: a DELETE of a namespace deletes its first
// objects itself (namespace-deletion.ts) and leaves the rest of a large one here, so that
// deleting a namespace of 10,000 pods holds the server for one slice at a time, never for
// the whole. Level-triggered: every Terminating namespace is looked at when the cleaner
// starts (a restart resumes what a crash interrupted) and whenever one changes.

import { Backoff, type BackoffPolicy } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { SliceScheduler, SliceTask } from "../slices.js";
import type { Store, WatchHandle } from "../store/store.js";
import type { Deleter } from "./deleter.js";
import type { EmptyingStep } from "./namespace-deletion.js";

/** How long one slice of deletes may hold the event loop. */
const SLICE_MS = 10;

/** A namespace whose emptying failed is walked again after 1 s, doubling up to 30 s. */
export const CLEANUP_RETRY_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

export interface NamespaceCleanerDeps {
  store: Store;
  deleter: Pick<Deleter, "namespaceEmptying">;
  slices: SliceScheduler;
  clock: Clock;
  logger: Logger;
}

export class NamespaceCleaner {
  /** Namespaces to empty, in the order they came, each with its walk once begun. */
  private readonly queue = new Map<string, EmptyingStep | undefined>();
  private task: SliceTask | undefined;
  private watch: WatchHandle | undefined;
  private readonly log: Logger;
  private readonly failures: Backoff;
  private readonly timers = new AbortController();

  constructor(private readonly deps: NamespaceCleanerDeps) {
    this.log = deps.logger.child({ component: "namespace-cleaner" });
    this.failures = new Backoff(CLEANUP_RETRY_BACKOFF, { clock: deps.clock });
  }

  start(): void {
    this.task = this.deps.slices.add("namespace cleanup", SLICE_MS, (deadline) => this.step(deadline));
    this.watch = this.deps.store.watch("namespaces", undefined, (e) => {
      if (e.type !== "DELETED" && e.object.metadata.deletionTimestamp)
        this.enqueue(e.object.metadata.name ?? "");
    });
    for (const ns of this.deps.store.list("namespaces"))
      if (ns.metadata.deletionTimestamp) this.enqueue(ns.metadata.name ?? "");
  }

  stop(): void {
    this.timers.abort();
    this.watch?.cancel();
    this.task?.cancel();
    this.queue.clear();
  }

  /** Whether a namespace is waiting to be emptied or being emptied (tests). */
  get busy(): boolean {
    return this.queue.size > 0;
  }

  private enqueue(name: string): void {
    // Gone already (removed in the transaction that marked it), or queued: nothing to add.
    if (this.queue.has(name) || !this.deps.store.get("namespaces", undefined, name)) return;
    this.queue.set(name, undefined);
    this.task?.wake();
  }

  /** Deletes in the first waiting namespace until `deadline`; true while work is left. */
  private step(deadline: number): boolean {
    const first = this.queue.entries().next();
    if (first.done) return false;
    const [name, begun] = first.value;
    const step = begun ?? this.deps.deleter.namespaceEmptying(name);
    this.queue.set(name, step);
    let deleted = 0;
    let done = false;
    try {
      done = this.deps.store.transaction((tx) =>
        step(tx, () => (++deleted & 15) !== 0 || performance.now() < deadline),
      );
    } catch (err) {
      // The walk is dropped and begun again after the back-off.
      this.queue.delete(name);
      const waitMs = this.failures.fail(name);
      this.log.error("emptying a namespace failed; trying again later", { namespace: name, waitMs, err });
      this.deps.clock.sleep(waitMs, this.timers.signal).then(
        () => this.enqueue(name),
        () => {},
      );
      return this.queue.size > 0;
    }
    if (done) {
      this.queue.delete(name);
      this.failures.reset(name);
      if (this.deps.store.get("namespaces", undefined, name))
        this.log.info("every object of the namespace is being deleted; it goes with the last", {
          namespace: name,
        });
    }
    return this.queue.size > 0;
  }
}
