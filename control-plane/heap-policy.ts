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
// grown well past where it stood, the server tells V8 to favour memory (`--optimize-for-size`)
// for a short window: the collections in it compact and give pages back. Not for good: with
// the flag always on, heartbeats cost ~40% more CPU.

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
 * A window lasts until the committed heap has shrunk by this share and stopped shrinking (the
 * collections in it compacted, which takes V8 two or three), or REDUCE_WINDOW_MAX_MS at most:
 * the reducer looks every 8 s, and at rest the heartbeats bring a full collection every ~90 s.
 */
export const REDUCE_SHRINK_SHARE = 0.1;
export const REDUCE_WINDOW_MAX_MS = 120_000;
/** How often the committed heap is looked at. */
export const REDUCE_CHECK_MS = 5_000;

export interface ReducerState {
  /** The committed heap after the last window (or at start), the level growth is measured from. */
  baselineBytes: number;
  /** When the open window ends at the latest (clock ms); undefined while none is open. */
  windowEndsAt: number | undefined;
  /** The committed heap when the open window opened. */
  windowStartBytes: number;
  /** The committed heap at the last look. */
  lastBytes: number;
}

/** The state at start: the heap as committed now is the baseline. */
export function reducerStart(committedBytes: number): ReducerState {
  return {
    baselineBytes: committedBytes,
    windowEndsAt: undefined,
    windowStartBytes: 0,
    lastBytes: committedBytes,
  };
}

/**
 * One look at the committed heap: opens a window once it grew past the baseline by both the
 * factor and the minimum and stopped growing since the last look (a burst is over: reducing
 * while it runs would only collect more often); closes an open one once the heap has shrunk
 * (REDUCE_SHRINK_SHARE) and stopped shrinking, or its time is up (the baseline is then what is
 * committed). Outside windows the baseline follows the heap down.
 */
export function reducerStep(
  state: ReducerState,
  committedBytes: number,
  now: number,
): { state: ReducerState; favourMemory: boolean } {
  const lastBytes = committedBytes;
  if (state.windowEndsAt !== undefined) {
    const shrunk = committedBytes <= state.windowStartBytes * (1 - REDUCE_SHRINK_SHARE);
    const done = shrunk && committedBytes >= state.lastBytes;
    if (!done && now < state.windowEndsAt) return { state: { ...state, lastBytes }, favourMemory: true };
    return { state: reducerStart(committedBytes), favourMemory: false };
  }
  const grown =
    committedBytes >= state.baselineBytes * REDUCE_GROWTH_FACTOR &&
    committedBytes - state.baselineBytes >= REDUCE_GROWTH_MIN_BYTES;
  if (grown && committedBytes <= state.lastBytes) {
    const windowEndsAt = now + REDUCE_WINDOW_MAX_MS;
    return {
      state: { ...state, windowEndsAt, windowStartBytes: committedBytes, lastBytes },
      favourMemory: true,
    };
  }
  const baselineBytes = Math.min(state.baselineBytes, committedBytes);
  return { state: { ...state, baselineBytes, lastBytes }, favourMemory: false };
}

export interface HeapReducerDeps {
  clock: Clock;
  /** The V8 heap's committed bytes now. */
  committedBytes?: () => number;
  /** Tells V8 to favour memory over speed, or not. */
  favourMemory?: (on: boolean) => void;
}

/** Looks at the committed heap every REDUCE_CHECK_MS and opens reducing windows (reducerStep). */
export class HeapReducer {
  private state: ReducerState;
  private on = false;
  private readonly stopTimer: () => void;
  private readonly committed: () => number;
  private readonly favour: (on: boolean) => void;

  constructor(deps: HeapReducerDeps) {
    this.committed = deps.committedBytes ?? (() => v8.getHeapStatistics().total_heap_size);
    this.favour =
      deps.favourMemory ??
      ((on) => v8.setFlagsFromString(on ? "--optimize-for-size" : "--no-optimize-for-size"));
    this.state = reducerStart(this.committed());
    this.stopTimer = deps.clock.every(REDUCE_CHECK_MS, () => this.check(deps.clock.now()));
  }

  /** Whether a window is open. */
  get favouringMemory(): boolean {
    return this.on;
  }

  check(now: number): void {
    const step = reducerStep(this.state, this.committed(), now);
    this.state = step.state;
    if (step.favourMemory !== this.on) {
      this.on = step.favourMemory;
      this.favour(this.on);
    }
  }

  /** Stops looking and leaves V8 as it was set at start. */
  stop(): void {
    this.stopTimer();
    if (this.on) this.favour(false);
    this.on = false;
  }
}
