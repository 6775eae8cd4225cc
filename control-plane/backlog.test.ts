import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Backlog } from "./backlog.js";

describe("Backlog", () => {
  it("gives items back in the order they came, however pushes and takes interleave", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant("take"), fc.integer({ min: 1, max: 1e6 })), { maxLength: 20_000 }),
        (ops) => {
          const backlog = new Backlog<number>();
          const truth: number[] = [];
          for (const op of ops) {
            if (op === "take") expect(backlog.take()).toBe(truth.shift());
            else {
              backlog.push(op);
              truth.push(op);
            }
            expect(backlog.size).toBe(truth.length);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("keeps its order across the points where it lets the taken part go", () => {
    const backlog = new Backlog<number>();
    for (let i = 0; i < 10_000; i++) backlog.push(i);
    const taken: number[] = [];
    for (let i = 0; i < 6_000; i++) taken.push(backlog.take() as number);
    for (let i = 10_000; i < 12_000; i++) backlog.push(i);
    for (let t = backlog.take(); t !== undefined; t = backlog.take()) taken.push(t);
    expect(taken).toEqual(Array.from({ length: 12_000 }, (_, i) => i));
    expect(backlog.size).toBe(0);
    expect(backlog.take()).toBeUndefined();
  });
});
