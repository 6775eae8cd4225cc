import { describe, expect, it } from "vitest";
import type { PodStatusMessage, PodStatusReport } from "../../shared/protocol.js";
import { FakeClock } from "../../test/agent/helpers/fake-clock.js";
import { StatusReporter } from "./status-reporter.js";

const report = (uid: string, phase: "Pending" | "Running"): PodStatusReport => ({
  namespace: "default",
  name: `p-${uid}`,
  uid,
  status: { phase },
});

function setup(connected = true) {
  const clock = new FakeClock();
  const sent: PodStatusMessage[] = [];
  const link = { up: connected };
  const r = new StatusReporter({
    clock,
    send: (m) => (link.up ? (sent.push(m), true) : false),
    batchMs: 200,
  });
  return { clock, sent, r, link };
}

describe("StatusReporter", () => {
  it("batches changes within 200 ms into one message, latest wins per pod", async () => {
    const { clock, sent, r } = setup();
    r.report(report("a", "Pending"));
    r.report(report("b", "Pending"));
    r.report(report("a", "Running"));
    expect(sent).toHaveLength(0);
    await clock.advance(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.seq).toBe(1);
    expect(sent[0]!.statuses.map((s) => `${s.uid}:${s.status.phase}`)).toEqual(["a:Running", "b:Pending"]);
  });

  it("does not send a status that did not change", async () => {
    const { clock, sent, r } = setup();
    r.report(report("a", "Running"));
    await clock.advance(200);
    r.report(report("a", "Running"));
    await clock.advance(200);
    expect(sent).toHaveLength(1);
  });

  it("keeps statuses until acked and re-sends all after a reconnect", async () => {
    const { clock, sent, r, link } = setup();
    r.report(report("a", "Running"));
    r.report(report("b", "Running"));
    await clock.advance(200);
    r.ack(sent[0]!.seq);
    expect(r.unacked()).toEqual([]);
    r.report(report("b", "Pending"));
    link.up = false;
    await clock.advance(200);
    expect(sent).toHaveLength(1);
    expect(r.unacked().map((s) => s.uid)).toEqual(["b"]);
    link.up = true;
    r.resendAll();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.statuses.map((s) => `${s.uid}:${s.status.phase}`).sort()).toEqual([
      "a:Running",
      "b:Pending",
    ]);
    expect(sent[1]!.seq).toBe(2);
  });

  it("an ack for an older batch does not clear a newer status", async () => {
    const { clock, sent, r } = setup();
    r.report(report("a", "Pending"));
    await clock.advance(200);
    r.report(report("a", "Running"));
    await clock.advance(200);
    r.ack(sent[0]!.seq);
    expect(r.unacked().map((s) => s.status.phase)).toEqual(["Running"]);
    r.ack(sent[1]!.seq);
    expect(r.unacked()).toEqual([]);
  });
});
