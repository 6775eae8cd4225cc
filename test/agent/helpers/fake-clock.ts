// A Clock whose time moves only when a test says so: sleeps and intervals fire in time
// order as `advance` passes them.

import type { Clock } from "../../../shared/clock.js";

interface Sleeper {
  at: number;
  resolve: () => void;
}

interface Interval {
  next: number;
  ms: number;
  fn: () => void;
  active: boolean;
}

export class FakeClock implements Clock {
  private t: number;
  private sleepers: Sleeper[] = [];
  private intervals: Interval[] = [];

  constructor(start = Date.UTC(2026, 11, 1, 12, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason ?? new Error("aborted"));
        return;
      }
      const s: Sleeper = { at: this.t + Math.max(0, ms), resolve };
      this.sleepers.push(s);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((x) => x !== s);
          reject(signal.reason ?? new Error("aborted"));
        },
        { once: true },
      );
    });
  }

  every(ms: number, fn: () => void): () => void {
    const iv: Interval = { next: this.t + ms, ms, fn, active: true };
    this.intervals.push(iv);
    return () => {
      iv.active = false;
      this.intervals = this.intervals.filter((x) => x !== iv);
    };
  }

  /** Sleeps not yet due. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, firing what falls due in order; lets promises run between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const nextSleep = Math.min(...this.sleepers.map((s) => s.at), Infinity);
      const nextIv = Math.min(...this.intervals.map((i) => i.next), Infinity);
      const next = Math.min(nextSleep, nextIv);
      if (next > end) break;
      this.t = Math.max(this.t, next);
      const due = this.sleepers.filter((s) => s.at <= this.t);
      this.sleepers = this.sleepers.filter((s) => s.at > this.t);
      for (const s of due) s.resolve();
      for (const iv of this.intervals) {
        if (iv.active && iv.next <= this.t) {
          iv.next += iv.ms;
          iv.fn();
        }
      }
      await flush();
    }
    this.t = end;
    await flush();
  }

  /** Sets the time (only forward), firing what falls due. */
  async set(ms: number): Promise<void> {
    if (ms > this.t) await this.advance(ms - this.t);
  }
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
