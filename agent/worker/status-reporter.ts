// Delivers pod statuses to the control plane: latest wins per pod, changes are batched into
// one `podStatus` message, each batch is kept until its `ack`, and after a reconnect every
// pod's latest status is sent again (the server may have missed any of them).

import type { Clock } from "../../shared/clock.js";
import type { PodStatusMessage, PodStatusReport } from "../../shared/protocol.js";

export interface StatusReporterOptions {
  clock: Clock;
  /** Sends a message; returns false when there is no connection (the batch stays pending). */
  send: (msg: PodStatusMessage) => boolean;
  batchMs?: number;
}

export class StatusReporter {
  private readonly latest = new Map<string, { report: PodStatusReport; json: string; version: number }>();
  private readonly pending = new Set<string>();
  private readonly inflight = new Map<number, Map<string, number>>();
  private readonly acked = new Map<string, number>();
  private seq = 0;
  private version = 0;
  private flushScheduled = false;

  constructor(private readonly o: StatusReporterOptions) {}

  /** Records a pod's status; sent in the next batch unless it equals the last one. */
  report(r: PodStatusReport): void {
    const json = JSON.stringify(r);
    if (this.latest.get(r.uid)?.json === json) return;
    this.latest.set(r.uid, { report: r, json, version: ++this.version });
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

  /** Sends what is pending now (normally called by the batch timer). */
  flush(): void {
    if (this.pending.size === 0) return;
    const batch = new Map<string, number>();
    const statuses: PodStatusReport[] = [];
    for (const uid of this.pending) {
      const e = this.latest.get(uid);
      if (!e) continue;
      batch.set(uid, e.version);
      statuses.push(e.report);
    }
    if (statuses.length === 0) {
      this.pending.clear();
      return;
    }
    const seq = this.seq + 1;
    if (!this.o.send({ v: 1, type: "podStatus", seq, statuses })) return; // kept pending
    this.seq = seq;
    this.inflight.set(seq, batch);
    this.pending.clear();
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
