import { describe, expect, it } from "vitest";
import { SliceScheduler, stepUntil } from "./slices.js";

/** A clock that moves only when work says it spent time. */
function fakeTime(): { now: () => number; spend: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, spend: (ms) => (t += ms) };
}

const turns = (n: number) =>
  (async () => {
    for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  })();

describe("SliceScheduler", () => {
  it("keeps a turn within its budget when every task has work, and rotates who goes first", async () => {
    const time = fakeTime();
    const s = new SliceScheduler(20, () => {}, time.now);
    const log: string[][] = [];
    let current: string[] = [];
    const task = (name: string) => {
      let left = 100; // ms of work
      const t = s.add(name, 10, (deadline) => {
        current.push(name);
        while (left > 0 && time.now() < deadline) {
          time.spend(1);
          left--;
        }
        return left > 0;
      });
      return t;
    };
    const tasks = ["a", "b", "c", "d"].map(task);
    for (const t of tasks) t.wake();
    for (let i = 0; i < 6; i++) {
      const before = time.now();
      await turns(1);
      log.push(current);
      current = [];
      expect(time.now() - before).toBeLessThanOrEqual(20);
    }
    // Two tasks fit in a turn of 20 ms; the others go first in the next turn.
    expect(log.slice(0, 4)).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("gives the first task of a turn its whole slice, so a turn always makes progress", async () => {
    const time = fakeTime();
    const s = new SliceScheduler(5, () => {}, time.now);
    const got: number[] = [];
    let left = 3;
    const t = s.add("big", 30, (deadline) => {
      got.push(deadline - time.now());
      time.spend(30);
      return --left > 0;
    });
    t.wake();
    await turns(4);
    expect(got).toEqual([30, 30, 30]);
  });

  it("runs a task woken by another in the same turn when budget is left", async () => {
    const time = fakeTime();
    const s = new SliceScheduler(20, () => {}, time.now);
    const ran: string[] = [];
    const second = s.add("second", 10, () => {
      ran.push("second");
      return false;
    });
    const first = s.add("first", 10, () => {
      ran.push("first");
      second.wake();
      return false;
    });
    first.wake();
    await turns(1);
    expect(ran).toEqual(["first"]);
    await turns(1);
    expect(ran).toEqual(["first", "second"]);
    expect(s.busy).toBe(false);
  });

  it("reports work that throws and goes on with the others", async () => {
    const errors: string[] = [];
    const s = new SliceScheduler(20, (name, err) => errors.push(`${name}: ${(err as Error).message}`));
    let ok = 0;
    s.add("bad", 10, () => {
      throw new Error("boom");
    }).wake();
    s.add("good", 10, () => {
      ok++;
      return false;
    }).wake();
    await turns(2);
    expect(errors).toEqual(["bad: boom"]);
    expect(ok).toBe(1);
    expect(s.busy).toBe(false);
  });

  it("runs nothing for a cancelled task or after close", async () => {
    const s = new SliceScheduler(20, () => {});
    let runs = 0;
    const t = s.add("t", 10, () => {
      runs++;
      return true;
    });
    t.wake();
    t.cancel();
    await turns(2);
    expect(runs).toBe(0);
    const u = s.add("u", 10, () => {
      runs++;
      return true;
    });
    u.wake();
    await turns(1);
    expect(runs).toBe(1);
    s.close();
    await turns(3);
    expect(runs).toBe(1);
  });
});

describe("stepUntil", () => {
  function* counted(n: number, spent: { steps: number }): Generator<void, string> {
    for (let i = 0; i < n; i++) {
      spent.steps++;
      yield;
    }
    return "done";
  }

  it("takes one step even past its deadline, and stops at the deadline", () => {
    const spent = { steps: 0 };
    const steps = counted(5, spent);
    expect(stepUntil(steps, -Infinity).done).toBe(false);
    expect(spent.steps).toBe(1);
  });

  it("runs to the end within its deadline and returns what the steps returned", () => {
    const spent = { steps: 0 };
    expect(stepUntil(counted(5, spent), Infinity)).toEqual({ done: true, value: "done" });
    expect(spent.steps).toBe(5);
  });
});
