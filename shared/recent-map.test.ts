import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecentMap } from "./recent-map.js";

describe("RecentMap", () => {
  it("forgets keys unused for longer than its capacity allows; a read counts as a use", () => {
    const m = new RecentMap<string, number>(4);
    m.set("a", 1);
    m.set("b", 2);
    m.set("c", 3);
    expect(m.get("a")).toBe(1);
    m.set("d", 4);
    m.set("e", 5);
    m.set("f", 6);
    expect(m.get("b")).toBeUndefined();
    expect(m.get("a")).toBeUndefined();
    expect(m.get("e")).toBe(5);
    expect(m.get("f")).toBe(6);
  });

  it("keeps a falsy value as a value, and deletes from either generation", () => {
    const m = new RecentMap<string, number>(6);
    m.set("z", 0);
    m.set("y", 1);
    m.set("x", 2);
    expect(m.get("z")).toBe(0);
    expect(m.delete("y")).toBe(true);
    expect(m.delete("y")).toBe(false);
    expect([...m.entries()].map(([k]) => k).sort()).toEqual(["x", "z"]);
  });

  it("refuses a capacity below two", () => {
    expect(() => new RecentMap(1)).toThrow(RangeError);
  });

  it("never holds more than its capacity, and always the last capacity/2 keys used, with their latest values", () => {
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ get: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.array(op, { maxLength: 200 }), (cap, ops) => {
        const m = new RecentMap<number, number>(cap);
        const truth = new Map<number, number>();
        const used: number[] = [];
        ops.forEach((o, i) => {
          if ("set" in o) {
            m.set(o.set, i);
            truth.set(o.set, i);
            used.push(o.set);
          } else if (m.get(o.get) !== undefined) used.push(o.get);
          expect(m.size).toBeLessThanOrEqual(cap);
        });
        for (const [k, v] of m.entries()) expect(v).toBe(truth.get(k));
        const recent = [...new Set([...used].reverse())].slice(0, Math.floor(cap / 2));
        for (const k of recent) expect(m.get(k)).toBe(truth.get(k));
      }),
    );
  });
});
