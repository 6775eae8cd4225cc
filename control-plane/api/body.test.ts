import { describe, expect, it } from "vitest";
import type { EverynodeError } from "../../shared/errors.js";
import { decodeBody, mediaType } from "./body.js";

function statusOf(fn: () => unknown): number {
  try {
    fn();
    return 0;
  } catch (e) {
    return (e as EverynodeError).httpStatus;
  }
}

describe("decodeBody", () => {
  it.each<[string, string | undefined, unknown]>([
    ['{"a":1}', "application/json", { a: 1 }],
    ['{"a":1}', "application/json; charset=utf-8", { a: 1 }],
    ['[{"op":"add"}]', "application/json-patch+json", [{ op: "add" }]],
    ['{"spec":{}}', "application/strategic-merge-patch+json", { spec: {} }],
    ["a: 1\nb: [x, y]\n", "application/yaml", { a: 1, b: ["x", "y"] }],
    ['{"kind":"DaemonSet"}', "application/apply-patch+yaml", { kind: "DaemonSet" }],
    ["", "application/json", undefined],
    ['{"a":2}', undefined, { a: 2 }],
  ])("%j as %s", (text, type, expected) => {
    expect(decodeBody(Buffer.from(text), type)).toEqual(expected);
  });

  it.each<[string, string, number]>([
    ["{not json", "application/json", 400],
    ["a: [unclosed", "application/yaml", 400],
    ["\u0000\u0001", "application/vnd.kubernetes.protobuf", 415],
  ])("%j as %s is a %d", (text, type, code) => {
    expect(statusOf(() => decodeBody(Buffer.from(text), type))).toBe(code);
  });
});

describe("mediaType", () => {
  it("drops parameters and case", () => {
    expect(mediaType("Application/JSON; charset=UTF-8")).toBe("application/json");
  });
});
