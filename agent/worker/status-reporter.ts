// Delivers pod statuses to the control plane: latest wins per pod, changes are batched into
// `podStatus` messages that keep within the server's limits (AGENT_LIMITS: statuses and bytes
// per message, each status cut to POD_STATUS_LIMITS), each batch is kept until its `ack`,
// and after a reconnect every pod's latest status is sent again (the server may have missed
// any of them).

import type { Clock } from "../../shared/clock.js";
import type { PodStatusMessage, PodStatusReport } from "../../shared/protocol.js";
import { AGENT_LIMITS } from "../../shared/protocol.js";
import { fitPodStatus } from "./status-bounds.js";

export interface StatusReporterOptions {
  clock: Clock;
  /** Sends a message; returns false when there is no connection (the batch stays pending). */
  send: (msg: PodStatusMessage) => boolean;
  batchMs?: number;
  /** Statuses and JSON bytes per message; AGENT_LIMITS' by default. */
  maxStatuses?: number;
  maxBytes?: number;
}

interface Latest {
  report: PodStatusReport;
  json: string;
  bytes: number;
  version: number;
}

export class StatusReporter {
  private readonly latest = new Map<string, Latest>();
  private readonly pending = new Set<string>();
  private readonly inflight = new Map<number, Map<string, number>>();
  private readonly acked = new Map<string, number>();
  private seq = 0;
  private version = 0;
  private flushScheduled = false;

  constructor(private readonly o: StatusReporterOptions) {}

  /** Records a pod's status; sent in the next batch unless it equals the last one. */
  report(reported: PodStatusReport): void {
    const r = { ...reported, status: fitPodStatus(reported.status) };
    const json = JSON.stringify(r);
    if (this.latest.get(r.uid)?.json === json) return;
    this.latest.set(r.uid, { report: r, json, bytes: Buffer.byteLength(json), version: ++this.version });
    this.pending.add(r.uid);
    this.schedule();
  }

  /** Drops a pod that left the node. */
  forget(uid: string): void {
    this.latest.delete(uid);
    this.pending.delete(uid);
    this.acked.delete(uid);
  }

  /** The server confirmed a batch. */
  ack(seq: number): void {
    const batch = this.inflight.get(seq);
    if (!batch) return;
    this.inflight.delete(seq);
    for (const [uid, v] of batch) this.acked.set(uid, Math.max(v, this.acked.get(uid) ?? 0));
  }

  /** Statuses not yet acknowledged in their latest form. */
  unacked(): PodStatusReport[] {
    return [...this.latest.entries()]
      .filter(([uid, e]) => (this.acked.get(uid) ?? 0) < e.version)
      .map(([, e]) => e.report);
  }

  /** A new connection: re-send every pod's latest status. */
  resendAll(): void {
    this.inflight.clear();
    for (const uid of this.latest.keys()) this.pending.add(uid);
    this.flush();
  }

  /**
   * Sends what is pending now (normally called by the batch timer), in as many messages as
   * the limits need; what cannot be sent (no connection) stays pending.
   */
  flush(): void {
    const maxStatuses = this.o.maxStatuses ?? AGENT_LIMITS.statusesPerBatch;
    const maxBytes = this.o.maxBytes ?? AGENT_LIMITS.statusBatchBytes;
    for (const uid of this.pending) if (!this.latest.has(uid)) this.pending.delete(uid);
    const uids = [...this.pending];
    let i = 0;
    while (i < uids.length) {
      const batch = new Map<string, number>();
      const statuses: PodStatusReport[] = [];
      let bytes = 0;
      for (; i < uids.length && statuses.length < maxStatuses; i++) {
        const uid = uids[i] as string;
        const e = this.latest.get(uid) as Latest;
        if (statuses.length > 0 && bytes + e.bytes > maxBytes) break;
        batch.set(uid, e.version);
        statuses.push(e.report);
        bytes += e.bytes;
      }
      const seq = this.seq + 1;
      if (!this.o.send({ v: 1, type: "podStatus", seq, statuses })) return; // kept pending
      this.seq = seq;
      this.inflight.set(seq, batch);
      for (const uid of batch.keys()) this.pending.delete(uid);
    }
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    void this.o.clock.sleep(this.o.batchMs ?? 200).then(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }
}
