import { describe, expect, it } from "vitest";
import { deepFreeze } from "./deep-freeze.js";

describe("deepFreeze", () => {
  it("freezes nested objects and arrays and returns the same object", () => {
    const value = { a: { b: [1, { c: "x" }] }, d: null };
    const frozen = deepFreeze(value);
    expect(frozen).toBe(value);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(value.a.b)).toBe(true);
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
    expect(() => {
      (value.a.b[1] as { c: string }).c = "y";
    }).toThrow(TypeError);
    expect(() => (value.a.b as unknown[]).push(2)).toThrow(TypeError);
  });

  it.each([null, undefined, 3, "text", true])("leaves the primitive %s as it is", (v) => {
    expect(deepFreeze(v)).toBe(v);
  });

  it("survives a cycle", () => {
    const a: { self?: unknown } = {};
    a.self = a;
    expect(Object.isFrozen(deepFreeze(a))).toBe(true);
  });
});
