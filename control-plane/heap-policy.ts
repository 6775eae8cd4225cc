// How far the server lets V8's heap grow, and when it asks V8 to give the growth back.
//
// V8's default lets the old generation grow to up to four times what survived the last full
// collection, and a fleet's steady heartbeats keep the process from ever looking idle to
// V8's memory reducer: after one DaemonSet rolled out to 10,000 simulated nodes the server
// held ~750 MB of heap at rest, ~280 MB of it live. A bounded growth factor collects sooner,
// for a little more GC work during bursts (bench/results/fleet.md has both).
//
// Even so, a burst (a rollout to thousands of nodes) leaves the heap's pages committed long
// after: the heartbeats allocate too fast for V8 to call the process idle, and promote just
// enough to run a full collection every ~90 s, which resets the reducer's 100 s watchdog; at
// 10,000 nodes ~400 MB stayed committed for ~200 MB live. So when the committed heap has
// grown well past where it stood and stopped growing, the server tells V8 to favour memory
// (`--optimize-for-size`) for a short window: the full collections in it compact and give
// pages back. Only for a window: while the flag is on, heartbeats cost ~40% more CPU.

import v8 from "node:v8";
import type { Clock } from "../shared/clock.js";

/** The old generation may grow by this share of what survived before the next full collection. */
export const HEAP_GROWING_PERCENT = 50;

/** Sets the growth policy; V8 reads it at each full collection, so it applies from the next one. */
export function applyHeapPolicy(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** A window opens once the committed heap is this much above where it stood (both). */
export const REDUCE_GROWTH_FACTOR = 1.25;
export const REDUCE_GROWTH_MIN_BYTES = 32 * 1024 * 1024;
/**
 * ... and this much above what the last full collection left live: a heap grown by what it
 * holds (10,000 agents connecting) has nothing to give back, and a window would only cost.
 */
export const REDUCE_SLACK_FACTOR = 1.5;
/**
 * A window lasts until a full collection ran in it and the committed heap stopped shrinking
 * (V8's reducer runs two or three, ~1 s apart, within ~8 s), or this long at most.
 */
export const REDUCE_WINDOW_MAX_MS = 30_000;
/** How often the committed heap is looked at. */
export const REDUCE_CHECK_MS = 5_000;

/** One look at V8's heap. */
export interface HeapSample {
  committedBytes: number;
  /** Full (mark-compact) collections since the process started. */
  fullCollections: number;
  /** The heap in use after the last full collection (0 before the first). */
  liveBytes: number;
}

export interface ReducerState {
  /** The committed heap after the last window (or at start), the level growth is measured from. */
  baselineBytes: number;
  /** When the open window ends at the latest (clock ms); undefined while none is open. */
  windowEndsAt: number | undefined;
  /** Full collections when the open window opened. */
  windowStartCollections: number;
  /** The committed heap at the last look. */
  lastBytes: number;
}

/** The state at start, or after a window: the heap as committed now is the baseline. */
export function reducerStart(committedBytes: number): ReducerState {
  return {
    baselineBytes: committedBytes,
    windowEndsAt: undefined,
    windowStartCollections: 0,
    lastBytes: committedBytes,
  };
}

/**
 * One look at the heap: opens a window once the committed heap grew past the baseline by
 * both the factor and the minimum, holds enough beyond the live heap (REDUCE_SLACK_FACTOR),
 * and stopped growing since the last look (the burst is over: reducing while it runs would
 * only collect more often); closes an open one once a full collection ran in it and the
 * heap stopped shrinking, or its time is up (the baseline is then what is committed).
 * Outside windows the baseline follows the heap down.
 */
export function reducerStep(
  state: ReducerState,
  sample: HeapSample,
  now: number,
): { state: ReducerState; favourMemory: boolean } {
  const lastBytes = sample.committedBytes;
  if (state.windowEndsAt !== undefined) {
    const collected = sample.fullCollections > state.windowStartCollections;
    const done = collected && sample.committedBytes >= state.lastBytes;
    if (!done && now < state.windowEndsAt) return { state: { ...state, lastBytes }, favourMemory: true };
    return { state: reducerStart(sample.committedBytes), favourMemory: false };
  }
  const grown =
    sample.committedBytes >= state.baselineBytes * REDUCE_GROWTH_FACTOR &&
    sample.committedBytes - state.baselineBytes >= REDUCE_GROWTH_MIN_BYTES &&
    sample.committedBytes >= sample.liveBytes * REDUCE_SLACK_FACTOR;
  if (grown && sample.committedBytes <= state.lastBytes) {
    return {
      state: {
        ...state,
        windowEndsAt: now + REDUCE_WINDOW_MAX_MS,
        windowStartCollections: sample.fullCollections,
        lastBytes,
      },
      favourMemory: true,
    };
  }
  const baselineBytes = Math.min(state.baselineBytes, sample.committedBytes);
  return { state: { ...state, baselineBytes, lastBytes }, favourMemory: false };
}

export interface HeapReducerDeps {
  clock: Clock;
  /** V8's heap now; by default watchHeap's. */
  sample?: () => HeapSample;
  /** Tells V8 to favour memory over speed, or not. */
  favourMemory?: (on: boolean) => void;
}

/**
 * V8's heap as the reducer looks at it: the committed heap now, and the full collections and
 * what the last one left in use, from V8's own record of each collection (v8.GCProfiler,
 * taken and restarted at each look). Reading the heap when Node reports a collection instead
 * counted what was allocated since: late in a busy burst, enough to hold a window shut.
 */
export function watchHeap(): { sample: () => HeapSample; stop: () => void } {
  let fullCollections = 0;
  let liveBytes = 0;
  let profiler = new v8.GCProfiler();
  profiler.start();
  const sample = (): HeapSample => {
    const record = profiler.stop();
    profiler = new v8.GCProfiler();
    profiler.start();
    for (const gc of record?.statistics ?? []) {
      if (gc.gcType !== "MarkSweepCompact") continue;
      fullCollections++;
      liveBytes = gc.afterGC.heapStatistics.usedHeapSize;
    }
    return { committedBytes: v8.getHeapStatistics().total_heap_size, fullCollections, liveBytes };
  };
  return { sample, stop: () => void profiler.stop() };
}

/** Looks at the heap every REDUCE_CHECK_MS and opens reducing windows (reducerStep). */
export class HeapReducer {
  private state: ReducerState;
  private on = false;
  private readonly stopTimer: () => void;
  private readonly stopCounting: () => void;
  private readonly sample: () => HeapSample;
  private readonly favour: (on: boolean) => void;

  constructor(deps: HeapReducerDeps) {
    if (deps.sample) {
      this.sample = deps.sample;
      this.stopCounting = () => {};
    } else {
      const heap = watchHeap();
      this.sample = heap.sample;
      this.stopCounting = heap.stop;
    }
    this.favour =
      deps.favourMemory ??
      ((on) => v8.setFlagsFromString(on ? "--optimize-for-size" : "--no-optimize-for-size"));
    this.state = reducerStart(this.sample().committedBytes);
    this.stopTimer = deps.clock.every(REDUCE_CHECK_MS, () => this.check(deps.clock.now()));
  }

  /** Whether a window is open. */
  get favouringMemory(): boolean {
    return this.on;
  }

  check(now: number): void {
    const step = reducerStep(this.state, this.sample(), now);
    this.state = step.state;
    if (step.favourMemory !== this.on) {
      this.on = step.favourMemory;
      this.favour(this.on);
    }
  }

  /** Stops looking and leaves V8 as it was set at start. */
  stop(): void {
    this.stopTimer();
    this.stopCounting();
    if (this.on) this.favour(false);
    this.on = false;
  }
}
