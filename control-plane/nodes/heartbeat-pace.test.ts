import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HeartbeatPace } from "./heartbeat-pace.js";

const defaults = { intervalSeconds: 10, maxPerSecond: 500, gracePeriodMs: 40_000 };

describe("HeartbeatPace", () => {
  it.each<[number, number, number]>([
    // connected agents, interval told (s), grace period (ms)
    [0, 10, 40_000],
    [1, 10, 40_000],
    [5_000, 10, 40_000],
    [5_001, 11, 44_000],
    [10_000, 20, 80_000],
    [30_000, 60, 240_000],
  ])("with %i agents connected: every %i s, Unknown after %i ms of silence", (connected, interval, grace) => {
    const pace = new HeartbeatPace(defaults);
    expect(pace.intervalSeconds(connected)).toBe(interval);
    expect(pace.gracePeriodMs()).toBe(grace);
  });

  it("keeps the flags' interval when uncapped", () => {
    const pace = new HeartbeatPace({ ...defaults, maxPerSecond: 0 });
    expect(pace.intervalSeconds(1_000_000)).toBe(10);
    expect(pace.gracePeriodMs()).toBe(40_000);
  });

  it("shortens only once the wanted interval is well below the current one", () => {
    const pace = new HeartbeatPace(defaults);
    expect(pace.intervalSeconds(10_000)).toBe(20);
    expect(pace.intervalSeconds(9_000)).toBe(20); // 18 s would do: not worth telling everyone
    expect(pace.intervalSeconds(7_600)).toBe(20);
    expect(pace.intervalSeconds(7_000)).toBe(14);
    expect(pace.intervalSeconds(100)).toBe(10);
    // The grace period stays what the longest interval told needs.
    expect(pace.gracePeriodMs()).toBe(80_000);
    expect(pace.longestIntervalSeconds).toBe(20);
  });

  it("holds the cap once settled, and never gives a node fewer heartbeats to miss", () => {
    fc.assert(
      fc.property(
        fc.record({
          intervalSeconds: fc.integer({ min: 1, max: 60 }),
          maxPerSecond: fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 5_000, noNaN: true })),
          gracePeriodMs: fc.integer({ min: 1_000, max: 600_000 }),
        }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 50 }),
        (options, fleet) => {
          const pace = new HeartbeatPace(options);
          let grace = pace.gracePeriodMs();
          for (const connected of fleet) {
            const interval = pace.intervalSeconds(connected);
            expect(interval).toBeGreaterThanOrEqual(options.intervalSeconds);
            if (options.maxPerSecond > 0)
              expect(connected / interval).toBeLessThanOrEqual(options.maxPerSecond);
            // As many intervals of silence as the flags allow, at the longest interval told.
            const next = pace.gracePeriodMs();
            expect(next).toBeGreaterThanOrEqual(grace);
            expect(next / (pace.longestIntervalSeconds * 1000)).toBeGreaterThanOrEqual(
              options.gracePeriodMs / (options.intervalSeconds * 1000) - 1e-9,
            );
            grace = next;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
