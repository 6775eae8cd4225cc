import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { onAbort, systemClock } from "./clock.js";

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
