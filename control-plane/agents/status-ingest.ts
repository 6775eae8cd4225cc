// Pod statuses from agents: checked (the pod exists, has that uid and is bound to the
// reporting node), coalesced latest-wins per pod, and written in one transaction every
// ~100 ms or 500 statuses. A report is acked once the flush that holds it committed; a
// dropped status is acked too, since sending it again would not make it valid.

import { isDeepStrictEqual } from "node:util";
import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { PodStatusMessage, PodStatusReport } from "../../shared/protocol.js";
import { EventRecorder } from "../events/event-recorder.js";
import type { Store, StoreWriter } from "../store/store.js";
import { mergeReportedStatus, podStatusEvents } from "./pod-status-report.js";

export interface StatusIngestDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  events: EventRecorder;
  flushIntervalMs?: number;
  maxBatch?: number;
}

interface Pending {
  nodeName: string;
  report: PodStatusReport;
}

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
  private pending = new Map<string, Pending>();
  private acks: (() => void)[] = [];
  private scheduled = false;
  private readonly timers = new AbortController();
  private readonly log: Logger;

  constructor(private readonly deps: StatusIngestDeps) {
    this.log = deps.logger.child({ component: "status-ingest" });
  }

  /** Takes one podStatus message from `nodeName`; `ack` is called after its flush. */
  accept(nodeName: string, message: PodStatusMessage, ack: () => void): void {
    for (const report of message.statuses) {
      const pod = this.deps.store.get<Pod>("pods", report.namespace, report.name);
      if (!belongsTo(pod, report.uid, nodeName)) {
        this.log.warn("dropped a pod status the node may not report", {
          node: nodeName,
          pod: `${report.namespace}/${report.name}`,
          uid: report.uid,
          reason: whyNot(pod, report.uid),
        });
        continue;
      }
      this.pending.set(report.uid, { nodeName, report });
    }
    this.acks.push(ack);
    if (this.pending.size >= (this.deps.maxBatch ?? 500)) this.flush();
    else this.schedule();
  }

  /** Writes what is pending now, then acks the messages it held. */
  flush(): void {
    const batch = this.pending;
    const acks = this.acks;
    this.pending = new Map();
    this.acks = [];
    if (batch.size > 0) {
      try {
        const written = this.deps.store.transaction((tx) => {
          let n = 0;
          for (const item of batch.values()) if (this.apply(tx, item)) n++;
          return n;
        });
        this.log.debug("pod statuses flushed", { received: batch.size, written });
      } catch (err) {
        // Not acked: the agent reports these again.
        this.log.error("writing pod statuses failed", { count: batch.size, err });
        return;
      }
    }
    for (const ack of acks) ack();
  }

  /** Flushes what is left and stops the timer. */
  close(): void {
    this.timers.abort();
    this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.deps.clock.sleep(this.deps.flushIntervalMs ?? 100, this.timers.signal).then(
      () => {
        this.scheduled = false;
        this.flush();
      },
      () => {
        this.scheduled = false;
      },
    );
  }

  /** Writes one status in the flush's transaction; false when it was dropped or unchanged. */
  private apply(tx: StoreWriter, { nodeName, report }: Pending): boolean {
    try {
      const pod = tx.get<Pod>("pods", report.namespace, report.name);
      if (!belongsTo(pod, report.uid, nodeName)) return false; // gone or rebound since accept
      const status = mergeReportedStatus(pod.status, report.status);
      if (isDeepStrictEqual(status, pod.status)) return false;
      const next = structuredClone(pod) as Pod;
      next.status = status;
      tx.update("pods", next);
      for (const e of podStatusEvents(pod, pod.status, status)) {
        const ref = { ...EventRecorder.referenceTo(pod, "Pod", "v1"), fieldPath: e.fieldPath };
        this.deps.events.record(
          ref,
          e.type,
          e.reason,
          e.message,
          { component: "kubelet", host: nodeName },
          tx,
        );
      }
      return true;
    } catch (err) {
      this.log.warn("a pod status could not be written", {
        node: nodeName,
        pod: `${report.namespace}/${report.name}`,
        err,
      });
      return false;
    }
  }
}
