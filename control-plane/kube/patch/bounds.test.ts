import { describe, expect, it } from "vitest";
import type { EverynodeError } from "../../../shared/errors.js";
import { checkPatchedObject, DEFAULT_PATCH_BOUNDS, patchBounds } from "./bounds.js";

function errorOf(fn: () => unknown): EverynodeError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e as EverynodeError;
  }
}

describe("patchBounds", () => {
  it("follows the body limit, with Kubernetes' 10,000 operations", () => {
    expect(DEFAULT_PATCH_BOUNDS).toEqual({
      maxBytes: 3 * 1024 * 1024,
      maxDepth: 100,
      maxOperations: 10_000,
      maxWork: 8 * 3 * 1024 * 1024,
    });
    expect(patchBounds(1000)).toMatchObject({ maxBytes: 1000, maxWork: 8000 });
  });
});

describe("checkPatchedObject", () => {
  const bounds = { maxBytes: 100, maxDepth: 3 };

  it("accepts an object within bounds", () => {
    expect(errorOf(() => checkPatchedObject({ a: { b: [1] } }, bounds))).toBeUndefined();
  });

  it.each<[string, unknown, number, RegExp]>([
    ["too large", { a: "x".repeat(200) }, 413, /would be larger than the limit of 100 bytes/],
    ["too deep", { a: { b: [[1]] } }, 422, /would nest deeper than 3 levels at a\.b\[0\]/],
  ])("refuses an object %s", (_name, value, status, message) => {
    const e = errorOf(() => checkPatchedObject(value, bounds));
    expect(e?.httpStatus).toBe(status);
    expect(e?.message).toMatch(message);
  });
});
