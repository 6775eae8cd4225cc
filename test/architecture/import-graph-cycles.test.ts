// The cycle finder on small graphs: it must find what it is there to find.

import { describe, expect, it } from "vitest";
import { findCycles } from "./import-graph.js";

const graphOf = (edges: Record<string, string[]>): Map<string, Set<string>> =>
  new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe("findCycles", () => {
  it("finds none in a tree with shared leaves", () => {
    expect(findCycles(graphOf({ a: ["b", "c"], b: ["d"], c: ["d"], d: [] }))).toEqual([]);
  });

  it("names each cycle as a path back to its start", () => {
    const cycles = findCycles(graphOf({ a: ["b"], b: ["c"], c: ["a", "d"], d: ["e"], e: ["d"], f: ["f"] }));
    expect(cycles.map((c) => c.join(" → ")).sort()).toEqual(["a → b → c → a", "d → e → d", "f → f"]);
  });
});
