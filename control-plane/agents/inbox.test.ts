import { describe, expect, it } from "vitest";
import { Inbox } from "./inbox.js";

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("Inbox", () => {
  it("runs what is posted in order, later, in slices that let the event loop turn", async () => {
    const errors: unknown[] = [];
    const inbox = new Inbox(5, (e) => errors.push(e));
    const ran: [number, number][] = [];
    let turns = 0;
    let counting = true;
    const tick = (): void => {
      turns++;
      if (counting) setImmediate(tick);
    };
    tick();
    for (let i = 0; i < 40; i++) {
      inbox.post(() => {
        const until = performance.now() + 1; // 1 ms of work each
        while (performance.now() < until);
        ran.push([i, turns]);
      });
    }
    expect(ran).toEqual([]); // nothing runs inside post()
    expect(inbox.size).toBe(40);
    for (let guard = 0; ran.length < 40 && guard < 1000; guard++) await turn();
    counting = false;
    expect(ran.map(([i]) => i)).toEqual([...Array(40).keys()]);
    const perTurn = new Map<number, number>();
    for (const [, t] of ran) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    // ~5 ms slices (checked every 8): at least 3 turns, none running all 40.
    expect(perTurn.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(16);
    expect(inbox.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it("goes on after work that throws, and tells about it", async () => {
    const errors: unknown[] = [];
    const inbox = new Inbox(5, (e) => errors.push(e));
    const ran: string[] = [];
    inbox.post(() => ran.push("a"));
    inbox.post(() => {
      throw new Error("bad message");
    });
    inbox.post(() => ran.push("c"));
    await turn();
    expect(ran).toEqual(["a", "c"]);
    expect(errors).toEqual([new Error("bad message")]);
  });

  it("on close runs what waits and takes nothing more", () => {
    const inbox = new Inbox(5, () => {});
    const ran: string[] = [];
    inbox.post(() => ran.push("a"));
    inbox.post(() => ran.push("b"));
    inbox.close();
    expect(ran).toEqual(["a", "b"]);
    inbox.post(() => ran.push("late"));
    expect(inbox.size).toBe(0);
    expect(ran).toEqual(["a", "b"]);
  });
});
