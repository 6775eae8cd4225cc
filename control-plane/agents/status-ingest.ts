// Pod statuses from agents: validated (message-validation.ts), checked (the pod exists, has
// that uid and is bound to the reporting node), coalesced latest-wins per pod, and written
// every ~100 ms (at once past 500 waiting) in slices of ~10 ms, each its own transaction,
// yielding between slices so that thousands of statuses never hold the API up. Nothing is written that failed a check,
// and one bad status does not hold back the others of its message. A report is acked once
// the flush that holds it committed, and once no status waits and no plan or assignment runs
// (as the kubelet events below, 5 s at most); a dropped status is acked too, since sending it again
// would not make it valid (the ack names the invalid ones, for the agent's log). Dropped
// statuses are logged folded, one line per node and kind per interval (warning-digest.ts).
// A report with `gone: true` for a terminating pod ends its deletion: its last status is
// written, then the deleter removes it (or, while finalizers hold it, sets its grace to 0).
// The kubelet events a status brings (Pulled, Created, Started, ...) are written after the
// statuses waiting and while no pass or assignment runs (5 s at most), in slices of their
// own, stamped with the time their status was written:
// users and rollouts wait for the statuses (numberReady), and the events were three of the
// four writes of each status. They live in memory until written, so a crash loses only
// those; at most as many wait as the store keeps events (past that the oldest go, as they
// would from the store).

import { Backlog } from "../backlog.js";
import { Hold } from "../hold.js";
import { SliceScheduler, type SliceTask } from "../slices.js";
import { isDeepStrictEqual } from "node:util";
import type { ObjectReference, Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { PodStatusMessage, PodStatusReport, RefusedStatus } from "../../shared/protocol.js";
import { AGENT_LIMITS } from "../../shared/protocol.js";
import type { Deleter } from "../deletion/deleter.js";
import { EventRecorder } from "../events/event-recorder.js";
import type { Store, StoreWriter } from "../store/store.js";
import { splitPodStatuses } from "./message-validation.js";
import { mergeReportedStatus, podStatusEvents } from "./pod-status-report.js";
import { WarningDigest } from "./warning-digest.js";

export interface StatusIngestDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  events: EventRecorder;
  deleter: Deleter;
  flushIntervalMs?: number;
  maxBatch?: number;
  /** How often dropped statuses are summed up in the log; 10 s by default. */
  warningIntervalMs?: number;
  /**
   * Whether assignments are being written or sent now: statuses wait meanwhile (up to
   * MAX_HOLD_MS), since the nodes not yet told what to run are what a rollout waits for,
   * and each status written makes the controller plan again.
   */
  holdWhile?: () => boolean;
  /**
   * Whether the controller plans or writes a pass, or assignments go out: kubelet events
   * (which nobody waits for) wait meanwhile, up to MAX_HOLD_MS in a row, so that the plan
   * that counts the statuses just written (numberReady) or starts a rollout gets the turns.
   */
  holdEventsWhile?: () => boolean;
  /** The turns its writes share with the control plane's other sliced work. */
  slices?: SliceScheduler;
}

/** A kubelet event of a written status, waiting for its turn. */
interface QueuedEvent {
  ref: ObjectReference;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  host: string;
  /** When its status was written (clock ms). */
  at: number;
}

/** Called once the statuses of a message are stored; names those refused as invalid. */
export type StatusAck = (refused: RefusedStatus[]) => void;

interface Pending {
  nodeName: string;
  report: PodStatusReport;
  /** Arrival order: a message is acked once everything up to its last status is written. */
  seq: number;
}

/** How long one slice of status writes may hold the event loop. */
const SLICE_MS = 10;
/** The longest statuses wait for assignments to go out, and how often they look again. */
export const MAX_HOLD_MS = 5_000;
const HOLD_RECHECK_MS = 20;

/** Whether `pod` may take a status from `nodeName` for `uid`. */
function belongsTo(pod: Pod | undefined, uid: string, nodeName: string): pod is Pod {
  return pod !== undefined && pod.metadata.uid === uid && pod.spec.nodeName === nodeName;
}

function whyNot(pod: Pod | undefined, uid: string): string {
  if (!pod) return "no such pod";
  if (pod.metadata.uid !== uid) return "uid differs";
  return `bound to ${pod.spec.nodeName ?? "no node"}`;
}

/** Validates, coalesces and flushes pod statuses; see the file comment. */
export class StatusIngest {
  /** By pod uid, in arrival order (a newer status of a pod moves it to the end). */
  private pending = new Map<string, Pending>();
  private acks: { upTo: number; ack: () => void }[] = [];
  /** Acks of messages whose statuses are written, waiting for their turn (after the plan). */
  private readonly acksDue = new Backlog<() => void>();
  private seq = 0;
  private scheduled = false;
  private readonly slice: SliceTask;
  private readonly timers = new AbortController();
  /** Writes wait while assignments go out (holdWhile), up to MAX_HOLD_MS in a row. */
  private readonly hold: Hold;
  /** Kubelet events wait while passes and assignments run (holdEventsWhile). */
  private readonly eventsHold: Hold;
  private readonly log: Logger;
  private readonly digest: WarningDigest;
  /** Kubelet events to write once no status waits. */
  private readonly queuedEvents = new Backlog<QueuedEvent>();
  private droppedEvents = 0;

  constructor(private readonly deps: StatusIngestDeps) {
    this.log = deps.logger.child({ component: "status-ingest" });
    const holdWhile = deps.holdWhile ?? (() => false);
    this.hold = new Hold(deps.clock, MAX_HOLD_MS, holdWhile);
    this.eventsHold = new Hold(deps.clock, MAX_HOLD_MS, deps.holdEventsWhile ?? (() => false));
    const slices = deps.slices ?? new SliceScheduler(SLICE_MS, () => {});
    this.slice = slices.add("status writes", SLICE_MS, (deadline) => {
      if (this.timers.signal.aborted || this.waitsFor(this.hold)) return false;
      this.writeUntil(deadline);
      if (this.pending.size > 0) return true;
      if (this.acksWaiting + this.eventsWaiting === 0 || this.waitsFor(this.eventsHold)) return false;
      this.sendAcksUntil(deadline);
      if (this.acksWaiting === 0 && performance.now() < deadline) this.writeEventsUntil(deadline);
      return this.acksWaiting + this.eventsWaiting > 0;
    });
    this.digest = new WarningDigest({
      clock: deps.clock,
      logger: this.log,
      ...(deps.warningIntervalMs !== undefined ? { intervalMs: deps.warningIntervalMs } : {}),
    });
  }

  /** Takes one checked podStatus message from `nodeName`; `ack` is called after its flush. */
  accept(nodeName: string, message: PodStatusMessage, ack: StatusAck): void {
    const { valid, refused } = splitPodStatuses(message.statuses);
    for (const r of refused) {
      this.digest.note(nodeName, "invalid pod statuses", `${r.namespace}/${r.name} (${r.reason})`);
    }
    for (const report of valid) {
      const pod = this.deps.store.get<Pod>("pods", report.namespace, report.name);
      if (!belongsTo(pod, report.uid, nodeName)) {
        this.digest.note(
          nodeName,
          "status reports for pods the node does not run",
          `${report.namespace}/${report.name} (${whyNot(pod, report.uid)})`,
        );
        continue;
      }
      // Latest wins, but a pod once reported gone stays gone.
      const earlier = this.pending.get(report.uid);
      const gone = report.gone === true || earlier?.report.gone === true;
      if (earlier) this.pending.delete(report.uid);
      this.pending.set(report.uid, {
        nodeName,
        report: gone ? { ...report, gone: true } : report,
        seq: ++this.seq,
      });
    }
    const told = refused.slice(0, AGENT_LIMITS.refusedPerAck);
    this.acks.push({ upTo: this.seq, ack: () => ack(told) });
    if (this.pending.size >= (this.deps.maxBatch ?? 500)) this.drainSoon();
    else this.schedule();
  }

  /** Writes everything pending now, acks the messages it held, then writes their events. */
  flush(): void {
    this.writeUntil(Infinity);
    this.sendAcksUntil(Infinity);
    this.writeEventsUntil(Infinity);
  }

  /** Whether statuses were taken in and not written yet. */
  get statusesWaiting(): boolean {
    return this.pending.size > 0;
  }

  /** Messages whose statuses are written and whose acks are not sent yet. */
  get acksWaiting(): number {
    return this.acksDue.size;
  }

  /** Kubelet events of written statuses not written yet. */
  get eventsWaiting(): number {
    return this.queuedEvents.size;
  }

  /** Flushes what is left and stops the timers. */
  close(): void {
    this.timers.abort();
    this.slice.cancel();
    this.flush();
    this.digest.close();
  }

  /** The next slice soon, after whatever else waits for the event loop. */
  private drainSoon(): void {
    if (!this.timers.signal.aborted) this.slice.wake();
  }

  /** Whether work waits on `hold` now (holdWhile, holdEventsWhile); if so, it looks again shortly. */
  private waitsFor(hold: Hold): boolean {
    if (!hold.waits()) return false;
    this.schedule(HOLD_RECHECK_MS);
    return true;
  }

  /** Writes pending statuses in one transaction until `deadline`, then acks what it covered. */
  private writeUntil(deadline: number): void {
    let through = 0;
    if (this.pending.size > 0) {
      let received = 0;
      try {
        const written = this.deps.store.transaction((tx) => {
          let n = 0;
          for (const [uid, item] of this.pending) {
            this.pending.delete(uid);
            through = item.seq;
            received++;
            if (this.apply(tx, item)) n++;
            if ((received & 15) === 0 && performance.now() >= deadline) break;
          }
          return n;
        });
        this.log.debug("pod statuses flushed", { received, written });
      } catch (err) {
        // Not acked: the agents report these again.
        this.log.error("writing pod statuses failed", { count: received + this.pending.size, err });
        this.pending.clear();
        this.acks = [];
        return;
      }
    }
    if (this.pending.size === 0) through = this.seq;
    let done = 0;
    while (done < this.acks.length && (this.acks[done] as { upTo: number }).upTo <= through) done++;
    for (const { ack } of this.acks.splice(0, done)) this.acksDue.push(ack);
  }

  /**
   * Sends the acks of written statuses until `deadline`. They go after the statuses waiting
   * and the plan that counts them (numberReady), as the kubelet events do: an ack is a
   * socket write per message (~30 µs), 9,000 in a row after a rollout to 10,000 nodes, and
   * the agent only needs it to know what to send again after a reconnect.
   */
  private sendAcksUntil(deadline: number): void {
    let n = 0;
    for (let ack = this.acksDue.take(); ack; ack = this.acksDue.take()) {
      ack();
      if ((++n & 15) === 0 && performance.now() >= deadline) break;
    }
  }

  private schedule(afterMs = this.deps.flushIntervalMs ?? 100): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.deps.clock.sleep(afterMs, this.timers.signal).then(
      () => {
        this.scheduled = false;
        this.drainSoon();
      },
      () => {
        this.scheduled = false;
      },
    );
  }

  /**
   * Writes one status in the flush's transaction; false when it was dropped or unchanged.
   * Everything that may fail is worked out before the write, so a failure writes nothing.
   */
  private apply(tx: StoreWriter, { nodeName, report }: Pending): boolean {
    try {
      const pod = tx.get<Pod>("pods", report.namespace, report.name);
      if (!belongsTo(pod, report.uid, nodeName)) return false; // gone or rebound since accept
      const status = mergeReportedStatus(pod.status, report.status);
      if (report.gone) {
        if (pod.metadata.deletionTimestamp) return this.ended(tx, pod, status);
        this.digest.note(
          nodeName,
          "gone reports for pods not being deleted",
          `${report.namespace}/${report.name}`,
        );
      }
      if (isDeepStrictEqual(status, pod.status)) return false;
      const events = podStatusEvents(pod, pod.status, status);
      // The store copies what it is given: a shallow copy with the new status is enough.
      tx.update("pods", { ...pod, status });
      const at = this.deps.clock.now();
      for (const e of events) {
        const ref = { ...EventRecorder.referenceTo(pod, "Pod", "v1"), fieldPath: e.fieldPath };
        this.queueEvent({ ref, type: e.type, reason: e.reason, message: e.message, host: nodeName, at });
      }
      return true;
    } catch (err) {
      this.digest.note(
        nodeName,
        "pod statuses that could not be written",
        `${report.namespace}/${report.name} (${String(err)})`,
      );
      return false;
    }
  }

  /** Queues an event; past the store's cap of events waiting, the oldest waiting one goes. */
  private queueEvent(e: QueuedEvent): void {
    if (this.eventsWaiting >= this.deps.events.maxEvents) {
      this.queuedEvents.take();
      this.droppedEvents++;
    }
    this.queuedEvents.push(e);
  }

  /** Writes waiting events in one transaction until `deadline` (the statuses' events follow them). */
  private writeEventsUntil(deadline: number): void {
    if (this.eventsWaiting === 0) return;
    try {
      this.deps.store.transaction((tx) => {
        let n = 0;
        for (let e = this.queuedEvents.take(); e; e = this.queuedEvents.take()) {
          const source = { component: "kubelet", host: e.host };
          this.deps.events.record(e.ref, e.type, e.reason, e.message, source, tx, e.at);
          if ((++n & 15) === 0 && performance.now() >= deadline) break;
        }
      });
    } catch (err) {
      // Events are a record for people, not state: the rest still go.
      this.log.error("writing pod events failed", { err });
    }
    if (this.eventsWaiting === 0 && this.droppedEvents > 0) {
      // What the store's cap would have removed anyway, so not a warning.
      this.log.info("pod events not written: more waited than the store keeps; the newest were", {
        dropped: this.droppedEvents,
        kept: this.deps.events.maxEvents,
      });
      this.droppedEvents = 0;
    }
  }

  /** A terminating pod's containers are gone: its last status (no events), then the deleter. */
  private ended(tx: StoreWriter, pod: Pod, status: Pod["status"]): boolean {
    let current = pod;
    // The store copies what it is given: a shallow copy with the last status is enough.
    if (status && !isDeepStrictEqual(status, pod.status)) current = tx.update("pods", { ...pod, status });
    this.deps.deleter.podGone(tx, current);
    return true;
  }
}
