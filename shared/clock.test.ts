import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { onAbort, rfc3339, rfc3339Micro, systemClock } from "./clock.js";

const listeners = (s: AbortSignal): number => getEventListeners(s, "abort").length;

describe("onAbort", () => {
  it("shares one listener among all waits on a signal and removes it when the last ends", () => {
    const ac = new AbortController();
    const forgets = Array.from({ length: 1000 }, () => onAbort(ac.signal, () => {}));
    expect(listeners(ac.signal)).toBe(1);
    for (const f of forgets.slice(1)) f();
    expect(listeners(ac.signal)).toBe(1);
    forgets[0]!();
    expect(listeners(ac.signal)).toBe(0);
  });

  it("cancels every pending wait with the signal's reason, and only those", () => {
    const ac = new AbortController();
    const got: unknown[] = [];
    onAbort(ac.signal, (r) => got.push(["a", r]));
    const forgetB = onAbort(ac.signal, (r) => got.push(["b", r]));
    onAbort(ac.signal, (r) => got.push(["c", r]));
    forgetB();
    ac.abort("stop");
    expect(got).toEqual([
      ["a", "stop"],
      ["c", "stop"],
    ]);
    forgetB(); // forgetting after the fact is harmless
    expect(listeners(ac.signal)).toBe(0);
  });

  it("cancels at once on a signal that already fired", () => {
    const got: unknown[] = [];
    onAbort(AbortSignal.abort("gone"), (r) => got.push(r));
    expect(got).toEqual(["gone"]);
  });
});

describe("systemClock.sleep", () => {
  it("leaves no listener behind when the sleeps end", async () => {
    const ac = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      const sleeps = Array.from({ length: 500 }, () => systemClock.sleep(0, ac.signal));
      expect(listeners(ac.signal)).toBe(1);
      await Promise.all(sleeps);
      expect(listeners(ac.signal)).toBe(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("rejects the pending sleeps when the signal fires", async () => {
    const ac = new AbortController();
    const sleeps = [systemClock.sleep(60_000, ac.signal), systemClock.sleep(60_000, ac.signal)];
    ac.abort(new Error("stopping"));
    for (const s of sleeps) await expect(s).rejects.toThrow("stopping");
    await expect(systemClock.sleep(60_000, ac.signal)).rejects.toThrow("stopping");
  });
});

describe("rfc3339 and rfc3339Micro", () => {
  it("format each instant as Kubernetes does, whatever was formatted before", () => {
    // Instants in and across seconds, repeated and going back: the last one formatted is remembered.
    const instants = [
      0, 999, 1000, 1000, 1_700_000_000_123, 1_700_000_000_999, 1_700_000_001_000, 999, 1_700_000_000_123,
    ];
    for (const ms of instants) {
      const iso = new Date(ms).toISOString();
      expect(rfc3339(ms)).toBe(`${iso.slice(0, 19)}Z`);
      expect(rfc3339Micro(ms)).toBe(`${iso.slice(0, 23)}000Z`);
    }
    expect(rfc3339(1_700_000_000_999)).toBe("2023-11-14T22:13:20Z");
    expect(rfc3339Micro(1_700_000_000_123)).toBe("2023-11-14T22:13:20.123000Z");
  });

  it("still refuse an instant that is not one", () => {
    expect(() => rfc3339(NaN)).toThrow(RangeError);
    expect(() => rfc3339Micro(NaN)).toThrow(RangeError);
  });
});
