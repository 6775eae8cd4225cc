import { describe, expect, it } from "vitest";
import { CreditReceiver, CreditSender } from "./stream-credit.js";

describe("CreditSender", () => {
  it("sends within its window, queues the rest and asks the source to pause", () => {
    const sent: number[] = [];
    let drained = 0;
    const s = new CreditSender(
      10,
      (c) => sent.push(c.length),
      4,
      () => drained++,
    );
    expect(s.write(Buffer.alloc(6))).toBe(true);
    expect(s.write(Buffer.alloc(7))).toBe(false);
    expect(sent).toEqual([4, 2, 4]);
    expect(s.available).toBe(0);
    s.grant(2);
    expect(sent).toEqual([4, 2, 4, 2]);
    expect(drained).toBe(0);
    s.grant(5);
    expect(sent).toEqual([4, 2, 4, 2, 1]);
    expect(drained).toBe(1);
    expect(s.blocked).toBe(false);
  });

  it("never has more than its window in flight, however much is written", () => {
    let inFlight = 0;
    let most = 0;
    const s = new CreditSender(
      256,
      (c) => {
        inFlight += c.length;
        most = Math.max(most, inFlight);
      },
      64,
    );
    for (let i = 0; i < 100; i++) {
      if (!s.write(Buffer.alloc(100))) {
        const consumed = inFlight;
        inFlight = 0;
        s.grant(consumed);
      }
    }
    expect(most).toBeLessThanOrEqual(256);
  });
});

describe("CreditReceiver", () => {
  it("refuses a sender past its window", () => {
    const r = new CreditReceiver(8, () => {});
    r.received(8);
    expect(() => r.received(1)).toThrow(/beyond its credit window/);
  });

  it("returns credit in batches of a quarter window, and all of it once idle", () => {
    const grants: number[] = [];
    const r = new CreditReceiver(100, (n) => grants.push(n));
    r.received(60);
    r.consumed(10);
    expect(grants).toEqual([]);
    r.consumed(20);
    expect(grants).toEqual([30]);
    r.consumed(30);
    expect(grants).toEqual([30, 30]);
  });
});
