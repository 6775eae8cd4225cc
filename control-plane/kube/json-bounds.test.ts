import { describe, expect, it } from "vitest";
import { isJsonProblem, measureJson, MAX_JSON_DEPTH } from "./json-bounds.js";
import { validManifests } from "./validation/test-manifests.js";

const LOOSE = { maxBytes: Infinity, maxDepth: Infinity };

function nested(levels: number): unknown {
  let v: unknown = "leaf";
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe("measureJson", () => {
  it.each<[string, unknown, number]>([
    ["a scalar", "x", 0],
    ["an empty object", {}, 1],
    ["an empty list", [], 1],
    ["an object in a list", [{ a: 1 }], 2],
    ["siblings do not add up", { a: { b: 1 }, c: [[2]] }, 3],
    ["10 levels", nested(10), 10],
  ])("%s is %d deep", (_name, value, depth) => {
    expect(measureJson(value, LOOSE)).toMatchObject({ depth });
  });

  it.each<[string, unknown]>([
    ["scalars", [1, -2.5, true, false, null, "héllo", ""]],
    ["nested objects", { a: { b: [1, { c: "d" }] }, é: {} }],
    ["a manifest", validManifests()[0]?.[1]],
  ])("counts %s as JSON.stringify does", (_name, value) => {
    expect(measureJson(value, LOOSE)).toMatchObject({ size: Buffer.byteLength(JSON.stringify(value)) });
  });

  it("finds real manifests far within the depth limit", () => {
    for (const [, ds] of validManifests()) {
      const m = measureJson(ds, LOOSE);
      expect(isJsonProblem(m) ? Infinity : m.depth).toBeLessThan(MAX_JSON_DEPTH / 5);
    }
  });

  it.each<[string, unknown, string, string]>([
    ["binary data", { a: { b: Buffer.from("hi") } }, "a.b", "binary data"],
    ["a date", { spec: [1, new Date(0)] }, "spec[1]", "a timestamp"],
    ["a set", { s: new Set([1]) }, "s", "a set"],
    ["a map", { m: new Map([[1, 2]]) }, "m", "an ordered map"],
    ["Infinity", { n: Infinity }, "n", "the number Infinity"],
    ["NaN", [NaN], "[0]", "the number NaN"],
    ["a class instance", { x: new (class Thing {})() }, "x", "a non-JSON value"],
    ["a function", { f: () => 1 }, "f", "a function"],
  ])("refuses %s and says where", (_name, value, path, found) => {
    expect(measureJson(value, LOOSE)).toEqual({ problem: "type", path, found });
  });

  it("refuses nesting past maxDepth, naming the path to the first container too deep", () => {
    expect(measureJson({ a: { b: [{}] } }, { maxBytes: Infinity, maxDepth: 3 })).toEqual({
      problem: "depth",
      path: "a.b[0]",
    });
    expect(measureJson({ a: { b: [{}] } }, { maxBytes: Infinity, maxDepth: 4 })).toMatchObject({ depth: 4 });
  });

  it("measures 100,000 levels without overflowing the stack", () => {
    expect(measureJson(nested(100_000), { maxBytes: Infinity, maxDepth: MAX_JSON_DEPTH })).toMatchObject({
      problem: "depth",
    });
  });

  it("ends on a cycle (a YAML alias to its own parent) as too deep", () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(measureJson({ a: cyclic }, { maxBytes: Infinity, maxDepth: 50 })).toMatchObject({
      problem: "depth",
    });
  });

  it("stops at maxBytes, also for a value shared many times (YAML aliases)", () => {
    const shared = { text: "x".repeat(1000) };
    const many = Array.from({ length: 1_000_000 }, () => shared);
    expect(measureJson(many, { maxBytes: 10_000, maxDepth: 10 })).toEqual({ problem: "size" });
    expect(measureJson("x".repeat(100), { maxBytes: 101, maxDepth: 10 })).toEqual({ problem: "size" });
    expect(measureJson("x".repeat(100), { maxBytes: 102, maxDepth: 10 })).toEqual({ size: 102, depth: 0 });
  });

  it("leaves undefined out, as JSON does", () => {
    expect(measureJson({ a: undefined }, LOOSE)).toMatchObject({ depth: 1 });
  });
});
