import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { PodOperations } from "./pod-operations.js";

/** An operation that runs until its `finish` is called. */
function gate(): { run: () => Promise<void>; started: boolean; finish: () => void } {
  let finish = (): void => {};
  const g = {
    started: false,
    finish: () => finish(),
    run: () =>
      new Promise<void>((resolve) => {
        g.started = true;
        finish = resolve;
      }),
  };
  return g;
}

const flush = () => new Promise((r) => setImmediate(r));

describe("PodOperations", () => {
  it("runs at most `concurrency` capped operations at once; stops are not capped", async () => {
    let ends = 0;
    const ops = new PodOperations(new FakeClock(), 2, () => ends++);
    const [a, b, c, stop] = [gate(), gate(), gate(), gate()];
    ops.start("a", false, a.run);
    ops.start("b", false, b.run);
    ops.start("c", false, c.run);
    ops.start("s", true, stop.run);
    await flush();
    expect([a.started, b.started, c.started, stop.started]).toEqual([true, true, false, true]);
    expect(["a", "b", "c", "s"].map((u) => ops.isBusy(u))).toEqual([true, true, true, true]);
    a.finish();
    await flush();
    expect(c.started).toBe(true);
    expect(ops.isBusy("a")).toBe(false);
    expect(ends).toBe(1);
    b.finish();
    c.finish();
    stop.finish();
    await ops.inFlight();
    expect(ops.idle).toBe(true);
    expect(ends).toBe(4);
  });

  it("tells which pods' operations ended since a count was taken (a list made before is stale for them)", async () => {
    const ops = new PodOperations(new FakeClock(), 4, () => {});
    const [a, b] = [gate(), gate()];
    ops.start("a", false, a.run);
    ops.start("b", false, b.run);
    await flush();
    const before = ops.endedCount;
    a.finish();
    await flush();
    expect(ops.endedSince("a", before)).toBe(true);
    expect(ops.endedSince("b", before)).toBe(false);
    b.finish();
    await ops.inFlight();
    expect(ops.endedSince("b", before)).toBe(true);
    expect(ops.endedSince("b", ops.endedCount)).toBe(false);
  });

  it("holds a failed pod for its back-off (10 s, then 20 s), unless the pod changed", () => {
    const clock = new FakeClock();
    const ops = new PodOperations(clock, 4, () => {});
    const t0 = clock.now();
    expect(ops.readyAt("p", () => "v1")).toBeUndefined();
    ops.failed("p", "v1");
    expect(ops.readyAt("p", () => "v1")).toBe(t0 + 10_000);
    ops.failed("p", "v1");
    expect(ops.readyAt("p", () => "v1")).toBe(t0 + 20_000);
    // The user fixed the pod: it may go at once, and its back-off starts over.
    expect(ops.readyAt("p", () => "v2")).toBeUndefined();
    ops.failed("p", "v2");
    expect(ops.readyAt("p", () => "v2")).toBe(t0 + 10_000);
    // Gone from the set: no hold.
    expect(ops.readyAt("p", () => undefined)).toBeUndefined();
    ops.failed("q", "v1");
    ops.succeeded("q");
    expect(ops.readyAt("q", () => "v1")).toBeUndefined();
  });
});
