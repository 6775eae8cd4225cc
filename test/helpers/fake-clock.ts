// The one Clock every test drives by hand: time moves only on `advance`, and the sleeps and
// intervals that fall due fire in time order, with pending promise callbacks run between
// two instants so that a loop of sleeps moves as it would in real time.

import { onAbort, type Clock } from "../../shared/clock.js";

interface Timer {
  due: number;
  /** Set for an interval: its period. */
  every?: number;
  fire: () => void;
  /** Cancelled or fired (a sleep): no longer pending. */
  done: boolean;
}

export class FakeClock implements Clock {
  private t: number;
  private timers: Timer[] = [];

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
      const timer: Timer = { due: this.t + Math.max(0, ms), fire: () => resolve(), done: false };
      const forget = signal
        ? onAbort(signal, (reason) => {
            timer.done = true;
            reject(reason);
          })
        : undefined;
      if (forget) timer.fire = () => (forget(), resolve());
      this.timers.push(timer);
    });
  }

  every(ms: number, fn: () => void): () => void {
    const timer: Timer = { due: this.t + ms, every: ms, fire: fn, done: false };
    this.timers.push(timer);
    return () => {
      timer.done = true;
    };
  }

  /** Sleeps not yet due. */
  get pendingSleeps(): number {
    return this.timers.filter((t) => !t.done && t.every === undefined).length;
  }

  /** Sleeps and intervals still waiting. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.done).length;
  }

  /** Moves time forward by `ms`, firing what falls due in order; lets promises run between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.done);
      const next = Math.min(...this.timers.map((t) => t.due));
      if (!(next <= end)) break;
      this.t = Math.max(this.t, next);
      for (const timer of this.timers.filter((t) => t.due <= this.t)) {
        if (timer.done) continue;
        if (timer.every === undefined) timer.done = true;
        else timer.due += timer.every;
        timer.fire();
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

/** Lets pending promise callbacks (and what they start) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
