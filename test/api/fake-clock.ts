// A clock for the API tests that moves only when told: sleeps and intervals fire on advance().

import type { Clock } from "../../shared/clock.js";

interface Timer {
  due: number;
  every?: number;
  fire: () => void;
  cancelled: boolean;
}

/** A Clock the test drives: `advance(ms)` runs the sleeps and intervals that come due. */
export class FakeClock implements Clock {
  private nowMs: number;
  private timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 11, 1, 12, 0, 0)) {
    this.nowMs = start;
  }

  now(): number {
    return this.nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer: Timer = { due: this.nowMs + ms, fire: () => resolve(), cancelled: false };
      signal?.addEventListener(
        "abort",
        () => {
          timer.cancelled = true;
          reject(new Error("aborted"));
        },
        { once: true },
      );
      this.timers.push(timer);
    });
  }

  every(ms: number, fn: () => void): () => void {
    const timer: Timer = { due: this.nowMs + ms, every: ms, fire: fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** How many sleeps and intervals are waiting. */
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward, firing what comes due in order. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      const next = this.timers.filter((t) => !t.cancelled && t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.nowMs = next.due;
      if (next.every) next.due += next.every;
      else next.cancelled = true;
      next.fire();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.nowMs = end;
  }
}
