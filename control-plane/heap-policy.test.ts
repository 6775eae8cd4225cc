import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it, vi } from "vitest";
import { FakeClock } from "../test/helpers/fake-clock.js";
import {
  HeapReducer,
  REDUCE_CHECK_MS,
  REDUCE_WINDOW_MAX_MS,
  reducerStart,
  reducerStep,
  watchHeap,
  type ReducerState,
} from "./heap-policy.js";

const MB = 1024 * 1024;

/** A look: committed MB, full collections so far (0 unless given), live MB after the last (0 unless given). */
type Look = number | [number, number] | [number, number, number];

/** Feeds the looks one REDUCE_CHECK_MS apart from a heap of `start` MB; returns whether each favoured memory. */
function run(start: number, looks: Look[]): boolean[] {
  let state: ReducerState = reducerStart(start * MB);
  return looks.map((look, i) => {
    const [mb, collections, live] =
      typeof look === "number" ? [look, 0, 0] : [look[0], look[1], look[2] ?? 0];
    const step = reducerStep(
      state,
      { committedBytes: mb * MB, fullCollections: collections, liveBytes: live * MB },
      (i + 1) * REDUCE_CHECK_MS,
    );
    state = step.state;
    return step.favourMemory;
  });
}

describe("reducerStep", () => {
  it.each([
    {
      what: "a heap that grows a little never opens a window",
      start: 200,
      looks: [210, 230, 240, 240] as Look[],
      want: [false, false, false, false],
    },
    {
      what: "a burst opens one once it stops growing, not while it grows",
      start: 200,
      looks: [260, 330, 400, 400] as Look[],
      want: [false, false, false, true],
    },
    {
      what: "the window stays open until a full collection ran in it and the heap stopped shrinking",
      start: 200,
      looks: [400, [400, 3], [390, 3], [300, 4], [240, 6], [240, 6], [250, 6]] as Look[],
      want: [false, true, true, true, true, false, false],
    },
    {
      what: "a heap that stops shrinking without a collection in the window keeps it open",
      start: 200,
      looks: [400, 400, 400, 400] as Look[],
      want: [false, true, true, true],
    },
    {
      what: "a heap grown by what it holds (agents connecting) opens none",
      start: 40,
      looks: [
        [120, 5, 100],
        [200, 9, 170],
        [200, 9, 170],
        [210, 10, 175],
      ] as Look[],
      want: [false, false, false, false],
    },
    {
      what: "25% more but under 32 MB is not a burst (a small heap)",
      start: 40,
      looks: [60, 60, 60] as Look[],
      want: [false, false, false],
    },
    {
      what: "the baseline follows the heap down, so growth is measured from the low point",
      start: 400,
      looks: [200, 200, 260, 260] as Look[],
      want: [false, false, false, true],
    },
  ])("$what", ({ start, looks, want }) => {
    expect(run(start, looks)).toEqual(want);
  });

  it("closes a window without a collection after REDUCE_WINDOW_MAX_MS, and measures from there", () => {
    const looksInWindow = REDUCE_WINDOW_MAX_MS / REDUCE_CHECK_MS;
    const looks: Look[] = [400, 400, ...Array<number>(looksInWindow).fill(400), 400, 400];
    const got = run(200, looks);
    expect(got.slice(1, 1 + looksInWindow)).toEqual(Array<boolean>(looksInWindow).fill(true));
    // Closed, and 400 MB is the new baseline: no window again at once.
    expect(got.slice(1 + looksInWindow)).toEqual([false, false, false]);
  });
});

describe("HeapReducer", () => {
  it("tells V8 to favour memory once per burst, and stops favouring it when stopped", async () => {
    const clock = new FakeClock(0);
    let committed = 200 * MB;
    let collections = 0;
    const calls: boolean[] = [];
    const reducer = new HeapReducer({
      clock,
      sample: () => ({ committedBytes: committed, fullCollections: collections, liveBytes: 150 * MB }),
      favourMemory: (on) => calls.push(on),
    });
    committed = 400 * MB;
    await clock.advance(REDUCE_CHECK_MS);
    expect(reducer.favouringMemory).toBe(false); // still growing, as far as it knows
    await clock.advance(REDUCE_CHECK_MS);
    expect(reducer.favouringMemory).toBe(true);
    committed = 250 * MB;
    collections = 2;
    await clock.advance(REDUCE_CHECK_MS * 3);
    expect(reducer.favouringMemory).toBe(false);
    expect(calls).toEqual([true, false]);
    committed = 500 * MB;
    await clock.advance(REDUCE_CHECK_MS * 2);
    expect(calls).toEqual([true, false, true]);
    reducer.stop();
    expect(calls).toEqual([true, false, true, false]);
    await clock.advance(REDUCE_CHECK_MS * 10);
    expect(calls).toHaveLength(4);
  });

  it("by default sets V8's --optimize-for-size for the window and clears it after", async () => {
    const set = vi.spyOn(v8, "setFlagsFromString");
    try {
      const clock = new FakeClock(0);
      let committed = 100 * MB;
      const reducer = new HeapReducer({
        clock,
        sample: () => ({ committedBytes: committed, fullCollections: 0, liveBytes: 0 }),
      });
      committed = 300 * MB;
      await clock.advance(REDUCE_CHECK_MS * 2);
      reducer.stop();
      expect(set.mock.calls.map((c) => c[0])).toEqual(["--optimize-for-size", "--no-optimize-for-size"]);
    } finally {
      set.mockRestore();
    }
  });
});

describe("watchHeap", () => {
  it("counts each full collection and what it left in use, not what was allocated after it", () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = watchHeap();
    try {
      const before = heap.sample();
      gc();
      // Allocated after the collection and kept until the look: not live at the collection.
      const after = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `object ${i}` }));
      const look = heap.sample();
      expect(look.fullCollections).toBeGreaterThanOrEqual(before.fullCollections + 1);
      expect(look.liveBytes).toBeGreaterThan(0);
      expect(v8.getHeapStatistics().used_heap_size - look.liveBytes).toBeGreaterThan(8 * MB);
      expect(after).toHaveLength(200_000);
      // Nothing new since: the next look has the same count.
      expect(heap.sample().fullCollections).toBe(look.fullCollections);
    } finally {
      heap.stop();
    }
  });
});
