import { describe, expect, it } from "vitest";
import { labelSelectorMatches } from "./label-selector.js";

// Keys such as "constructor" are valid label keys: only the labels' own properties count.
describe("own properties only", () => {
  it.each<[string, object, Record<string, string>, boolean]>([
    ["matchLabels constructor on labels without it", { matchLabels: { constructor: "x" } }, {}, false],
    [
      "matchLabels constructor on labels with it",
      { matchLabels: { constructor: "x" } },
      { constructor: "x" },
      true,
    ],
    [
      "In on an inherited key",
      { matchExpressions: [{ key: "toString", operator: "In", values: ["x"] }] },
      {},
      false,
    ],
    [
      "DoesNotExist on an inherited key",
      { matchExpressions: [{ key: "constructor", operator: "DoesNotExist" }] },
      {},
      true,
    ],
  ])("%s", (_name, selector, labels, expected) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });
});
