// A Clock for the controller tests: time moves only when the test says so, and timers
// (every, sleep) fire as it moves.

import type { Clock } from "../../shared/clock.js";

export interface FakeClock extends Clock {
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2026, 5, 1, 12, 0, 0)): FakeClock {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; every?: number; fire: () => void }>();
  const clock: FakeClock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const id = nextId++;
        timers.set(id, { at: now + ms, fire: resolve });
        signal?.addEventListener("abort", () => {
          timers.delete(id);
          reject(new Error("aborted"));
        });
      }),
    every: (ms, fn) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, every: ms, fire: fn });
      return () => timers.delete(id);
    },
    advance: (ms) => {
      const end = now + ms;
      for (;;) {
        let due: [number, { at: number; every?: number; fire: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        const [id, t] = due;
        now = Math.max(now, t.at);
        if (t.every) t.at += t.every;
        else timers.delete(id);
        t.fire();
      }
      now = end;
    },
  };
  return clock;
}
