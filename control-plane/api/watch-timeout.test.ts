import { describe, expect, it } from "vitest";
import { MAX_WATCH_TIMEOUT_MS, watchTimeoutMs } from "./watch-timeout.js";

describe("watchTimeoutMs", () => {
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ["", undefined],
    ["0", 0],
    ["30", 30_000],
    ["1.5", 1_500],
    // Past a Node.js timer's longest delay the timer would fire at once: cut, not overflowed.
    ["2147483", 2_147_483_000],
    ["2147484", MAX_WATCH_TIMEOUT_MS],
    ["3000000", MAX_WATCH_TIMEOUT_MS],
    ["1e300", MAX_WATCH_TIMEOUT_MS],
  ])("%j → %j", (raw, expected) => {
    expect(watchTimeoutMs(raw)).toBe(expected);
  });

  it("is at most the longest delay setTimeout takes", () => {
    expect(MAX_WATCH_TIMEOUT_MS).toBe(2_147_483_647);
  });

  it.each(["-1", "abc", "Infinity", "NaN"])("refuses %j with a 400", (raw) => {
    expect(() => watchTimeoutMs(raw)).toThrow(`invalid timeoutSeconds: ${JSON.stringify(raw)}`);
  });
});
