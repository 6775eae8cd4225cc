import { describe, expect, it } from "vitest";
import { patchTypeFromContentType } from "./patch-type.js";

describe("patchTypeFromContentType", () => {
  it.each([
    ["application/json-patch+json", "json"],
    ["application/merge-patch+json", "merge"],
    ["application/strategic-merge-patch+json", "strategic"],
    ["application/apply-patch+yaml", "apply"],
    ["application/merge-patch+json; charset=utf-8", "merge"],
    ["Application/Strategic-Merge-Patch+JSON", "strategic"],
    ["application/json", undefined],
    ["text/plain", undefined],
    ["", undefined],
    [undefined, undefined],
    // Names of Object.prototype's properties are no patch types.
    ["constructor", undefined],
    ["toString; charset=utf-8", undefined],
    ["__proto__", undefined],
  ])("%s -> %s", (contentType, expected) => {
    expect(patchTypeFromContentType(contentType)).toBe(expected);
  });
});
