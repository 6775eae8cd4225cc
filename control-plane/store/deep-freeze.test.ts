import { describe, expect, it } from "vitest";
import { copyShell, copyUnfrozen, deepFreeze } from "./deep-freeze.js";

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

describe("copyUnfrozen", () => {
  it("copies what is not frozen and shares what is", () => {
    const shared = deepFreeze({ image: "nginx", ports: [{ containerPort: 80 }] });
    const input = { spec: { containers: [shared], extra: { a: [1, 2] } }, n: 3 };
    const copy = copyUnfrozen(input);
    expect(copy).toEqual(input);
    expect(copy).not.toBe(input);
    expect(copy.spec).not.toBe(input.spec);
    expect(copy.spec.containers).not.toBe(input.spec.containers);
    expect(copy.spec.extra.a).not.toBe(input.spec.extra.a);
    expect(copy.spec.containers[0]).toBe(shared);
    input.spec.extra.a.push(3);
    expect(copy.spec.extra.a).toEqual([1, 2]);
  });

  it("returns a frozen value itself, and copyShell a new shell over it", () => {
    const frozen = deepFreeze({ metadata: { name: "x" }, list: [1] });
    expect(copyUnfrozen(frozen)).toBe(frozen);
    const shell = copyShell(frozen);
    expect(shell).not.toBe(frozen);
    expect(Object.isFrozen(shell)).toBe(false);
    expect(shell.metadata).toBe(frozen.metadata);
  });
});
