// The DaemonSet controller's loop: level-triggered. A store change only marks it dirty; one
// coalesced pass at a time reads the whole current state and plans it in steps (the phases
// of each DaemonSet's plan, ~20 ms of them per turn), then writes the plan in
// slices of ~20 ms, each its own transaction (PassWriter), yielding between them so that
// agents hear of the first pods at once and the API keeps answering. The next pass is
// planned only once the last slice is written. A periodic resync (and a timer for back-offs
// and minReadySeconds) guarantees progress even when no change arrives.

import type { KubeObject, Node } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { backoffDelay, type BackoffPolicy } from "../../shared/backoff.js";
import type { Logger } from "../../shared/logger.js";
import { Deleter } from "../deletion/deleter.js";
import type { EventRecorder } from "../events/event-recorder.js";
import type { ChangeEvent, Store } from "../store/store.js";
import { daemonSetOwnerUid, passHasWrites, planPassSteps, type PassPlan } from "./daemonset-pass.js";
import { PassWriter } from "./pass-writer.js";
import { FailedPodBackoff } from "./failed-pod-backoff.js";
import type { PrePullLink } from "./plan-prepull.js";
import { canonicalJson } from "./template-hash.js";
import { Hold } from "../hold.js";
import { SliceScheduler, stepUntil, type SliceTask } from "../slices.js";

export interface DaemonSetControllerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  events: EventRecorder;
  /** Deletes pods (gracefully where agents report them gone); by default one for which none do. */
  deleter?: Deleter;
  /** How often a full pass runs without any change; default 30 s. */
  resyncIntervalMs?: number;
  /** Hears how long each pass that finished took, in seconds (the /metrics histogram). */
  onPass?: (seconds: number) => void;
  /** Image pre-pull: which agents pre-pull, and where each pass's wants go (the agents' board). */
  prePull?: PrePullLink;
  /** The turns its planning and writing share with the control plane's other sliced work. */
  slices?: SliceScheduler;
  /**
   * Whether assignment sets wait to go out, or agents' statuses to be written: a new plan
   * waits meanwhile (up to PLAN_HOLD_MAX_MS in a row), since the nodes not yet told are what
   * users wait for, and a plan reads the whole fleet to find, usually, nothing new, or a
   * status (numberReady) that the next batch of statuses makes stale again.
   */
  holdPlansWhile?: () => boolean;
}

/** How long one slice of a pass's writes may hold the event loop. */
const SLICE_MS = 20;

/** The longest a new plan waits for assignment sets to go out, and how often it looks again. */
export const PLAN_HOLD_MAX_MS = 5_000;
const PLAN_HOLD_RECHECK_MS = 20;

/** A pass that threw is tried again after 1 s, doubling up to 30 s while it keeps failing. */
export const PASS_RETRY_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

/**
 * Whether two versions of a field differ in content. A write shares the stored (frozen) parts
 * it did not change, so the same object is the same content without encoding either.
 */
function differs(a: unknown, b: unknown, absent: unknown): boolean {
  return a !== b && canonicalJson(a ?? absent) !== canonicalJson(b ?? absent);
}

/** Whether a change can alter any DaemonSet's plan (events and heartbeats cannot). */
export function changeMatters(e: ChangeEvent): boolean {
  switch (e.resource) {
    case "events":
    case "namespaces":
      return false;
    case "nodes": {
      if (e.type !== "MODIFIED" || !e.previous) return true;
      // Eligibility reads only the name, labels and taints; pre-pull the images.
      const before = e.previous as Node;
      const after = e.object as Node;
      return (
        differs(before.metadata.labels, after.metadata.labels, {}) ||
        differs(before.spec?.taints, after.spec?.taints, []) ||
        differs(before.status?.images, after.status?.images, [])
      );
    }
    case "pods":
      return ownedByDaemonSet(e.object) || (e.previous !== undefined && ownedByDaemonSet(e.previous));
    default:
      return true;
  }
}

function ownedByDaemonSet(o: KubeObject): boolean {
  return daemonSetOwnerUid(o) !== undefined;
}

/**
 * Whether a change is a user's change to a DaemonSet (created, deleted, its spec changed):
 * the next plan then starts without its pacing wait, since that is what the user waits for.
 * Statuses and nodes stay paced: thousands of them come at once.
 */
export function changeIsUrgent(e: ChangeEvent): boolean {
  if (e.resource !== "daemonsets") return false;
  if (e.type !== "MODIFIED" || !e.previous) return true;
  const before = e.previous.metadata;
  const after = e.object.metadata;
  return before.generation !== after.generation || before.deletionTimestamp !== after.deletionTimestamp;
}

/** A pass being planned: its steps, the time it plans for, when it began and its CPU time so far. */
interface Planning {
  steps: Generator<void, PassPlan>;
  now: number;
  started: number;
  busyMs: number;
}

/** Keeps one pod of every DaemonSet on every node that should run it. */
export class DaemonSetController {
  private readonly backoff: FailedPodBackoff;
  private readonly deleter: Deleter;
  private readonly log: Logger;
  private started = false;
  private dirty = false;
  /** Whether the controller asked for a slice of a turn. */
  private scheduled = false;
  private readonly task: SliceTask;
  private unsubscribe: (() => void) | undefined;
  private stopResync: (() => void) | undefined;
  private wake: { at: number; abort: AbortController } | undefined;
  /** Passes that threw in a row. */
  private failedPasses = 0;
  /** Whether the next pass looks for pods of deleted DaemonSets (a scan of every pod). */
  private garbageDue = true;
  /** A wait before the next plan (see paced()), and when that plan may start (performance.now()). */
  private pacing: AbortController | undefined;
  private nextPlanAt = 0;
  /** Whether a user's change waits for the next plan (changeIsUrgent): it skips the pacing. */
  private urgent = false;
  private readonly planHold: Hold;
  /** The pass being planned, step by step (planPassSteps), and the time it has taken so far. */
  private planning: Planning | undefined;
  /** The pass being written, slice by slice, and the time it has taken so far. */
  private writing: { writer: PassWriter; started: number; busyMs: number; recheckAt?: number } | undefined;

  constructor(private readonly deps: DaemonSetControllerDeps) {
    this.log = deps.logger.child({ component: "daemonset-controller" });
    this.backoff = new FailedPodBackoff(deps.clock);
    this.deleter = deps.deleter ?? new Deleter({ store: deps.store, clock: deps.clock, events: deps.events });
    const slices = deps.slices ?? new SliceScheduler(SLICE_MS, () => {});
    this.task = slices.add("daemonset controller", SLICE_MS, (deadline) => this.turn(deadline));
    this.planHold = new Hold(deps.clock, PLAN_HOLD_MAX_MS, deps.holdPlansWhile ?? (() => false));
  }

  /** Subscribes to the store, starts the resync timer and runs a first pass soon. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.deps.store.onChange((events) => {
      // A DaemonSet gone leaves garbage; a new one may adopt orphan pods.
      if (events.some((e) => e.resource === "daemonsets" && e.type !== "MODIFIED")) this.garbageDue = true;
      if (events.some(changeIsUrgent)) this.hurry();
      if (events.some(changeMatters)) this.trigger("store change");
    });
    this.stopResync = this.deps.clock.every(this.deps.resyncIntervalMs ?? 30_000, () => {
      this.garbageDue = true;
      this.trigger("resync");
    });
    this.garbageDue = true;
    this.trigger("start");
  }

  /** Stops listening and cancels every timer; a pass in progress finishes first (passes are synchronous). */
  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    this.stopResync?.();
    this.wake?.abort.abort();
    this.wake = undefined;
    this.scheduled = false;
    this.pacing?.abort();
    this.pacing = undefined;
    // What is left of a pass is planned again by the next controller to start.
    this.planning = undefined;
    this.writing = undefined;
  }

  /** Whether a pass is being planned, step by step (it reads the store as it goes). */
  isPlanning(): boolean {
    return this.planning !== undefined;
  }

  /** Whether a pass is being written, slice by slice (its pods are not all stored yet). */
  isWriting(): boolean {
    return this.writing !== undefined;
  }

  /** Asks for a pass; many triggers before it runs make one pass. */
  trigger(reason: string): void {
    this.dirty = true;
    if (!this.started || this.scheduled) return;
    this.log.debug("pass scheduled", { reason });
    this.schedule();
  }

  /** The next plan starts without its pacing wait (a hold for assignments still applies). */
  private hurry(): void {
    this.urgent = true;
    if (!this.pacing) return;
    this.pacing.abort();
    this.pacing = undefined;
  }

  /** One pass, written whole, garbage collection included (tests call it). Throws what the pass throws. */
  runOnce(): void {
    this.planning = undefined;
    this.finishWriting(Infinity);
    this.garbageDue = true;
    this.pass(Infinity);
  }

  /** The next turn: a slice of the pass being written, or else a new pass when something changed. */
  private schedule(): void {
    if (!this.started || this.scheduled || this.pacing) return;
    this.scheduled = true;
    this.task.wake();
  }

  /** The controller's slice of a turn (control-plane/slices.ts), until `deadline`. */
  private turn(deadline: number): boolean {
    this.scheduled = false;
    if (!this.started) return false;
    const budgetMs = Math.max(1, deadline - performance.now());
    if (this.planning) this.safely(() => this.continuePlanning(budgetMs));
    else if (this.writing) this.safely(() => this.finishWriting(budgetMs));
    else if (this.dirty && this.paced()) return false;
    else if (this.dirty) {
      this.dirty = false;
      this.safely(() => this.pass(budgetMs));
    }
    // Our own commits mark us dirty again: the next pass (usually a no-op) yields first.
    if (this.planning || this.writing || this.dirty) this.schedule();
    return false;
  }

  /**
   * Whether the next plan must wait: planning reads the whole fleet (~0.1 s at 10,000 nodes),
   * and statuses streaming in would otherwise have it plan back to back, starving the
   * dispatcher and the API. After a plan that took more than 20 ms, the next one waits twice
   * as long, so planning takes at most a third of the time; and it waits while assignment
   * sets go out (holdPlansWhile).
   */
  private paced(): boolean {
    const paceMs = this.urgent ? 0 : this.nextPlanAt - performance.now();
    const waitMs = paceMs > 0 ? paceMs : this.planHold.waits() ? PLAN_HOLD_RECHECK_MS : 0;
    if (waitMs <= 0) return false;
    const abort = new AbortController();
    this.pacing = abort;
    this.deps.clock.sleep(waitMs, abort.signal).then(
      () => {
        this.pacing = undefined;
        this.schedule();
      },
      () => {},
    );
    return true;
  }

  /** Starts planning a pass; with an infinite budget plans and writes it at once. */
  private pass(budgetMs: number): void {
    const now = this.deps.clock.now();
    const collectGarbage = this.garbageDue;
    this.garbageDue = false;
    this.urgent = false;
    const prePull = this.deps.prePull;
    const steps = planPassSteps(
      this.deps.store,
      now,
      this.backoff,
      collectGarbage,
      (n) => this.deleter.nodeCanWait(n),
      prePull && ((n) => prePull.support(n)),
    );
    this.planning = { steps, now, started: performance.now(), busyMs: 0 };
    this.continuePlanning(budgetMs);
  }

  /** Plans on for about `budgetMs` (whole steps); once the plan is complete, sets up its writing. */
  private continuePlanning(budgetMs: number): void {
    const p = this.planning;
    if (!p) return;
    const sliceStarted = performance.now();
    const deadline = sliceStarted + budgetMs;
    let next: IteratorResult<void, PassPlan>;
    try {
      next = stepUntil(p.steps, deadline);
    } catch (e) {
      this.planning = undefined;
      throw e;
    } finally {
      p.busyMs += performance.now() - sliceStarted;
    }
    if (!next.done) return;
    this.planning = undefined;
    this.planned(next.value, p, deadline);
  }

  /** A complete plan: published, paced, and written in slices, the first with what is left of the turn. */
  private planned(pass: PassPlan, p: Planning, deadline: number): void {
    this.deps.prePull?.publish(pass.work);
    this.nextPlanAt = p.busyMs > 20 ? performance.now() + 2 * p.busyMs : 0;
    this.backoff.gc(p.now);
    if (passHasWrites(pass)) {
      const writer = new PassWriter(
        this.deps.store,
        this.deps.events,
        pass,
        this.backoff,
        p.now,
        this.deleter,
      );
      this.writing = {
        writer,
        started: p.started,
        busyMs: p.busyMs,
        ...(pass.recheckAt !== undefined ? { recheckAt: pass.recheckAt } : {}),
      };
      const left = deadline - performance.now();
      if (left > 0) this.finishWriting(left);
      return;
    }
    if (pass.recheckAt !== undefined) this.wakeAt(pass.recheckAt, p.now);
    this.deps.onPass?.(p.busyMs / 1000);
  }

  /** Writes the next slice of the pass being written (all of it with an infinite budget). */
  private finishWriting(budgetMs: number): void {
    const w = this.writing;
    if (!w) return;
    const sliceStarted = performance.now();
    let done: boolean;
    try {
      done = w.writer.writeSlice(budgetMs);
    } catch (e) {
      this.writing = undefined;
      throw e;
    } finally {
      w.busyMs += performance.now() - sliceStarted;
    }
    if (!done) return;
    this.writing = undefined;
    this.log.info("pass written", {
      ...w.writer.counts,
      ms: Math.round(performance.now() - w.started),
      busyMs: Math.round(w.busyMs),
    });
    if (w.recheckAt !== undefined) this.wakeAt(w.recheckAt, this.deps.clock.now());
    this.deps.onPass?.(w.busyMs / 1000);
  }

  private safely(work: () => void): void {
    try {
      work();
      this.failedPasses = 0;
    } catch (e) {
      this.garbageDue = true;
      const retryMs = backoffDelay(PASS_RETRY_BACKOFF, ++this.failedPasses);
      this.log.error("pass failed, retrying", { error: e, retryMs });
      const now = this.deps.clock.now();
      this.wakeAt(now + retryMs, now);
    }
  }

  /** One timer for the earliest moment a pass may decide differently. */
  private wakeAt(at: number, now: number): void {
    if (!this.started) return;
    if (this.wake && this.wake.at <= at) return;
    this.wake?.abort.abort();
    const abort = new AbortController();
    this.wake = { at, abort };
    this.deps.clock.sleep(Math.max(0, at - now) + 1, abort.signal).then(
      () => {
        if (this.wake?.abort === abort) this.wake = undefined;
        this.trigger("timer");
      },
      () => {},
    );
  }
}
