import { describe, expect, it } from "vitest";
import { FakeClock } from "../test/helpers/fake-clock.js";
import { Backoff, backoffDelay, failuresAtCap, RECONNECT_BACKOFF, type BackoffPolicy } from "./backoff.js";

const TEN_S: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000 };

describe("backoffDelay", () => {
  it.each([
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [5, 160_000],
    [6, 300_000],
    [40, 300_000],
  ])("after %i failures the wait is %i ms", (failures, ms) => {
    expect(backoffDelay(TEN_S, failures)).toBe(ms);
  });

  it.each([
    [0, 100],
    [0.5, 150],
    [0.999, 200],
  ])("jitter 0.5 draws from half to all of the step (random %d → %i ms)", (r, ms) => {
    expect(backoffDelay(RECONNECT_BACKOFF, 1, () => r)).toBe(ms);
  });

  it("reaches the cap after failuresAtCap failures, not before", () => {
    for (const p of [TEN_S, RECONNECT_BACKOFF, { initialMs: 1_000, maxMs: 30_000 }]) {
      const n = failuresAtCap(p);
      expect(backoffDelay({ ...p, jitter: 0 }, n)).toBe(p.maxMs);
      expect(backoffDelay({ ...p, jitter: 0 }, n - 1)).toBeLessThan(p.maxMs);
    }
  });
});

describe("Backoff", () => {
  it("lengthens a key's wait with each failure, apart from the other keys, until reset", async () => {
    const clock = new FakeClock();
    const b = new Backoff(TEN_S, { clock });
    const t0 = clock.now();
    expect(b.readyAt("a")).toBeUndefined();
    expect(b.fail("a")).toBe(10_000);
    await clock.advance(10_000);
    expect(b.fail("a")).toBe(20_000);
    expect(b.readyAt("a")).toBe(t0 + 30_000);
    expect(b.fail("b")).toBe(10_000);
    expect(b.get("a")).toEqual({ failures: 2, lastFailureAt: t0 + 10_000, delayMs: 20_000 });
    b.reset("a");
    expect(b.readyAt("a")).toBeUndefined();
    expect(b.fail("a")).toBe(10_000);
  });

  it("records a failure at a given time (the engine's finish time, a pass's now)", () => {
    const b = new Backoff(TEN_S, { clock: new FakeClock() });
    b.fail("a", 5_000);
    expect(b.readyAt("a")).toBe(15_000);
  });

  it("draws the jitter once per failure from the injected random", () => {
    const b = new Backoff(RECONNECT_BACKOFF, { clock: new FakeClock(0), random: () => 0 });
    expect(b.fail("a")).toBe(100);
    expect(b.readyAt("a")).toBe(100);
  });

  it("starts afresh, and forgets, a key idle longer than forgetAfterMs", () => {
    const b = new Backoff({ ...TEN_S, forgetAfterMs: 60_000 }, { clock: new FakeClock(0) });
    b.fail("a", 0);
    b.fail("a", 1_000);
    b.fail("b", 1_000);
    expect(b.fail("a", 61_000)).toBe(40_000);
    expect(b.fail("a", 101_001 + 60_000)).toBe(10_000);
    b.forgetIdle(61_000);
    expect(b.get("b")).toBeDefined();
    b.forgetIdle(61_001);
    expect(b.get("b")).toBeUndefined();
    expect(b.size).toBe(1);
  });

  it("resets the keys a predicate picks", () => {
    const b = new Backoff(TEN_S, { clock: new FakeClock() });
    for (const k of ["p1/web", "p1/side", "p2/web"]) b.fail(k);
    b.resetWhere((k) => k.startsWith("p1/"));
    expect([...b.keys()]).toEqual(["p2/web"]);
  });
});
