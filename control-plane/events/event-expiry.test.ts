import { describe, expect, it } from "vitest";
import type { KubeEvent } from "../../shared/api-types.js";
import { isExpired, lastSeen } from "./event-expiry.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const at = (ms: number): string => new Date(ms).toISOString();
const HOUR = 3_600_000;

function event(created: string | undefined, extra: Record<string, unknown> = {}): KubeEvent {
  return {
    metadata: { name: "e", namespace: "default", ...(created ? { creationTimestamp: created } : {}) },
    involvedObject: {},
    ...extra,
  } as KubeEvent;
}

describe("lastSeen", () => {
  it.each<[string, KubeEvent, number | undefined]>([
    [
      "a folded event: its lastTimestamp",
      event(at(NOW - 3 * HOUR), { lastTimestamp: at(NOW - HOUR) }),
      NOW - HOUR,
    ],
    [
      "no lastTimestamp: its eventTime",
      event(at(NOW - 3 * HOUR), { eventTime: at(NOW - 2 * HOUR) }),
      NOW - 2 * HOUR,
    ],
    [
      "a series: its last observation",
      event(at(NOW - 3 * HOUR), {
        series: { lastObservedTime: at(NOW - 60_000) },
        lastTimestamp: at(NOW - 2 * HOUR),
      }),
      NOW - 60_000,
    ],
    [
      "a lastTimestamp that does not parse: the creation",
      event(at(NOW - 3 * HOUR), { lastTimestamp: "not-a-date" }),
      NOW - 3 * HOUR,
    ],
    [
      "a lastTimestamp that is no string: the creation",
      event(at(NOW - 3 * HOUR), { lastTimestamp: 5 }),
      NOW - 3 * HOUR,
    ],
    [
      "a far-future lastTimestamp: the creation",
      event(at(NOW - 3 * HOUR), { lastTimestamp: "9999-12-31T23:59:59Z" }),
      NOW - 3 * HOUR,
    ],
    [
      "a lastTimestamp before the creation: the creation",
      event(at(NOW - HOUR), { lastTimestamp: "1970-01-01T00:00:00Z" }),
      NOW - HOUR,
    ],
    [
      "a lastTimestamp a minute ahead (clock skew): as claimed",
      event(at(NOW - HOUR), { lastTimestamp: at(NOW + 60_000) }),
      NOW + 60_000,
    ],
    ["no creation time: nothing", event(undefined, { lastTimestamp: at(NOW) }), undefined],
  ])("%s", (_what, e, expected) => {
    expect(lastSeen(e, NOW)).toBe(expected);
  });
});

describe("isExpired", () => {
  it("expires what the server last vouched for more than a TTL ago, whatever the event claims", () => {
    const claimsFuture = event(at(NOW - 2 * HOUR), { lastTimestamp: "9999-12-31T23:59:59Z" });
    expect(isExpired(claimsFuture, NOW, HOUR)).toBe(true);
    expect(isExpired(event(at(NOW - 2 * HOUR), { lastTimestamp: at(NOW - 10_000) }), NOW, HOUR)).toBe(false);
    expect(isExpired(event(undefined), NOW, HOUR)).toBe(true);
  });
});
