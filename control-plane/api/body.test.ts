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

function errorOf(fn: () => unknown): EverynodeError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e as EverynodeError;
  }
}

describe("decodeBody: only plain JSON data", () => {
  it.each<[string, string, RegExp]>([
    ["binary", "a: !!binary aGVsbG8=", /YAML tag tag:yaml.org,2002:binary is not supported/],
    ["an explicit timestamp", "a: !!timestamp 2024-01-01", /tag:yaml.org,2002:timestamp/],
    ["a YAML 1.1 timestamp", "%YAML 1.1\n---\na: 2024-01-01", /holds a timestamp at a/],
    ["a set", "a: !!set {x, y}", /tag:yaml.org,2002:set/],
    ["an ordered map", "a: !!omap [{x: 1}]", /tag:yaml.org,2002:omap/],
    ["a local tag", "a: !thing x", /YAML tag !thing/],
    ["a list as a key", "? [a, b]\n: c", /map key must be a string/],
    ["a map as a key", "? {a: 1}\n: c", /map key must be a string/],
    ["a null key", "~: c", /map key must be a string/],
    ["infinity", "a: [.inf]", /holds the number Infinity at a\[0\]/],
    ["not a number", "a: .nan", /holds the number NaN at a/],
    ["a cyclic alias", "a: &x [ *x ]", /nests deeper than 100 levels/],
    ["an unknown alias", "a: *nothing", /unknown format/],
  ])("YAML with %s is a 400", (_name, text, message) => {
    const e = errorOf(() => decodeBody(Buffer.from(text), "application/yaml"));
    expect(e?.httpStatus).toBe(400);
    expect(e?.message).toMatch(message);
  });

  it("refuses a billion-laughs alias bomb", () => {
    let text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    let previous = "a";
    for (let i = 0; i < 9; i++) {
      text += `b${i}: &b${i} [${Array(9).fill(`*${previous}`).join(", ")}]\n`;
      previous = `b${i}`;
    }
    const e = errorOf(() => decodeBody(Buffer.from(text), "application/yaml"));
    expect(e?.httpStatus).toBe(400);
    expect(e?.message).toMatch(/alias/i);
  });

  it("refuses aliases that expand past the body limit with a 413", () => {
    const text = `a: &a "${"x".repeat(20_000)}"\nb: [${Array(50).fill("*a").join(", ")}]\n`;
    expect(statusOf(() => decodeBody(Buffer.from(text), "application/yaml", 100_000))).toBe(413);
    expect(statusOf(() => decodeBody(Buffer.from(text), "application/yaml", 2_000_000))).toBe(0);
  });

  it("keeps what Kubernetes' YAML keeps: anchors, numbers and booleans as keys, !!str", () => {
    const text = "base: &b {app: web}\nlabels: *b\n1: one\ntrue: yes\nv: !!str 123\n";
    expect(decodeBody(Buffer.from(text), "application/yaml")).toEqual({
      base: { app: "web" },
      labels: { app: "web" },
      "1": "one",
      true: "yes",
      v: "123",
    });
  });

  it.each<[string, string]>([
    ["JSON", "application/json"],
    ["YAML", "application/yaml"],
  ])("refuses %s nested deeper than 100 levels with a 400, and accepts 100", (_name, type) => {
    const deep = (n: number): string => "[".repeat(n) + "]".repeat(n);
    const e = errorOf(() => decodeBody(Buffer.from(`{"a": ${deep(100)}}`), type));
    expect(e?.httpStatus).toBe(400);
    expect(e?.message).toMatch(/nests deeper than 100 levels at a\[0\]/);
    expect(statusOf(() => decodeBody(Buffer.from(`{"a": ${deep(99)}}`), type))).toBe(0);
  });

  it("refuses JSON numbers out of range", () => {
    expect(errorOf(() => decodeBody(Buffer.from('{"a": 1e999}'), "application/json"))?.message).toMatch(
      /holds the number Infinity at a/,
    );
  });

  it("refuses 100,000 levels without overflowing the stack", () => {
    const text = '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000);
    expect(statusOf(() => decodeBody(Buffer.from(text), "application/merge-patch+json"))).toBe(400);
  });
});
