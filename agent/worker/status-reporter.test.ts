import { describe, expect, it } from "vitest";
import type { PodStatusMessage, PodStatusReport } from "../../shared/protocol.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { POD_STATUS_LIMITS } from "../../shared/limits.js";
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

  it("splits a large set into messages within the server's limits, each acked on its own", async () => {
    const { clock, sent, r } = setup();
    for (let i = 0; i < 250; i++) r.report(report(`u${i}`, "Running"));
    await clock.advance(200);
    expect(sent.map((m) => m.statuses.length)).toEqual([100, 100, 50]);
    expect(sent.map((m) => m.seq)).toEqual([1, 2, 3]);
    r.ack(2);
    expect(r.unacked()).toHaveLength(150);
  });

  it("keeps each message under the byte limit, and what a lost connection stopped stays pending", async () => {
    const clock = new FakeClock();
    const sent: PodStatusMessage[] = [];
    let budget = 2;
    const r = new StatusReporter({
      clock,
      send: (m) => (budget-- > 0 ? (sent.push(m), true) : false),
      maxBytes: 2000,
    });
    const big = (uid: string): PodStatusReport => ({
      ...report(uid, "Running"),
      status: { phase: "Running", message: "m".repeat(900) },
    });
    for (const uid of ["a", "b", "c", "d", "e"]) r.report(big(uid));
    await clock.advance(200);
    expect(sent.map((m) => m.statuses.map((s) => s.uid))).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    budget = 1;
    r.flush();
    expect(sent[2]?.statuses.map((s) => s.uid)).toEqual(["e"]);
  });

  it("cuts a status's long messages to what the server accepts", async () => {
    const { clock, sent, r } = setup();
    r.report({
      ...report("a", "Running"),
      status: { phase: "Running", message: "probe output ".repeat(5000) },
    });
    await clock.advance(200);
    const message = sent[0]?.statuses[0]?.status.message ?? "";
    expect(Buffer.byteLength(message)).toBe(POD_STATUS_LIMITS.message);
    expect(message.endsWith("...")).toBe(true);
  });
});
