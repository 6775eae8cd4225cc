import { describe, expect, it } from "vitest";
import { EverynodeError } from "../../../shared/errors.js";
import type { LabelSelector } from "../../../shared/api-types.js";
import {
  formatLabelSelector,
  labelSelectorMatches,
  labelSelectorToRequirements,
  matchesLabels,
  parseLabelSelector,
  type LabelRequirement,
} from "./label-selector.js";

describe("parseLabelSelector", () => {
  it.each<[string, LabelRequirement[]]>([
    ["", []],
    ["   ", []],
    ["app=nginx", [{ key: "app", operator: "=", values: ["nginx"] }]],
    ["app==nginx", [{ key: "app", operator: "=", values: ["nginx"] }]],
    ["app!=nginx", [{ key: "app", operator: "!=", values: ["nginx"] }]],
    ["app=", [{ key: "app", operator: "=", values: [""] }]],
    ["env in (prod, staging)", [{ key: "env", operator: "in", values: ["prod", "staging"] }]],
    ["env notin (dev)", [{ key: "env", operator: "notin", values: ["dev"] }]],
    ["env in ()", [{ key: "env", operator: "in", values: [""] }]],
    ["canary", [{ key: "canary", operator: "exists", values: [] }]],
    ["!canary", [{ key: "canary", operator: "!", values: [] }]],
    [
      "node-role.kubernetes.io/control-plane",
      [{ key: "node-role.kubernetes.io/control-plane", operator: "exists", values: [] }],
    ],
    [
      " app = nginx , tier in (a,b),!canary,zone",
      [
        { key: "app", operator: "=", values: ["nginx"] },
        { key: "tier", operator: "in", values: ["a", "b"] },
        { key: "canary", operator: "!", values: [] },
        { key: "zone", operator: "exists", values: [] },
      ],
    ],
  ])("%j", (text, expected) => {
    expect(parseLabelSelector(text)).toEqual(expected);
  });

  it.each([
    ["app=nginx,", /expected: identifier/],
    ["app nginx", /expected: '=', '!=', '==', 'in', 'notin'/],
    ["env in (a", /expected: ',' or '\)'/],
    ["env in a", /expected: '\('/],
    ["!", /identifier after '!'/],
    ["a=b=c", /found '=', expected: ',' or end of string/],
    ["a=b c", /expected: ',' or end of string/],
    ["replicas>1", /not supported/],
    ["bad key=x", /expected/],
    ["-bad=x", /invalid label key "-bad"/],
    ["app=bad value!", /expected/],
    ["app=-x", /invalid label value "-x"/],
    [`k=${"v".repeat(64)}`, /invalid label value/],
  ])("rejects %j", (text, message) => {
    let caught: unknown;
    try {
      parseLabelSelector(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EverynodeError);
    expect((caught as EverynodeError).code).toBe("BadRequest");
    expect((caught as EverynodeError).message).toMatch(/^unable to parse requirement: /);
    expect((caught as EverynodeError).message).toMatch(message);
  });
});

describe("matchesLabels", () => {
  const labels = { app: "nginx", tier: "web" };
  it.each([
    ["", labels, true],
    ["", undefined, true],
    ["app=nginx", labels, true],
    ["app=redis", labels, false],
    ["app=nginx", undefined, false],
    ["app!=redis", labels, true],
    ["app!=nginx", labels, false],
    ["missing!=x", labels, true],
    ["tier in (web,db)", labels, true],
    ["tier in (db)", labels, false],
    ["tier notin (db)", labels, true],
    ["missing notin (db)", labels, true],
    ["tier notin (web)", labels, false],
    ["app", labels, true],
    ["missing", labels, false],
    ["!missing", labels, true],
    ["!app", labels, false],
    ["app=nginx,tier=db", labels, false],
    ["app=nginx,tier=web", labels, true],
  ])("%j on %j -> %s", (text, l, expected) => {
    expect(matchesLabels(parseLabelSelector(text), l)).toBe(expected);
  });
});

describe("labelSelectorToRequirements and formatLabelSelector", () => {
  const sel = {
    matchLabels: { app: "nginx" },
    matchExpressions: [
      { key: "tier", operator: "In" as const, values: ["b", "a"] },
      { key: "canary", operator: "DoesNotExist" as const },
      { key: "zone", operator: "Exists" as const },
      { key: "env", operator: "NotIn" as const, values: ["dev"] },
    ],
  };

  it("turns matchLabels and matchExpressions into requirements", () => {
    expect(labelSelectorToRequirements(sel)).toEqual([
      { key: "app", operator: "=", values: ["nginx"] },
      { key: "tier", operator: "in", values: ["b", "a"] },
      { key: "canary", operator: "!", values: [] },
      { key: "zone", operator: "exists", values: [] },
      { key: "env", operator: "notin", values: ["dev"] },
    ]);
  });

  it("matches like the equivalent text selector", () => {
    const reqs = labelSelectorToRequirements(sel);
    expect(matchesLabels(reqs, { app: "nginx", tier: "a", zone: "z1" })).toBe(true);
    expect(matchesLabels(reqs, { app: "nginx", tier: "a", zone: "z1", canary: "1" })).toBe(false);
    expect(matchesLabels(reqs, { app: "nginx", tier: "c", zone: "z1" })).toBe(false);
  });

  it("rejects an unknown operator", () => {
    expect(() =>
      labelSelectorToRequirements({ matchExpressions: [{ key: "a", operator: "Gt" as never }] }),
    ).toThrow(EverynodeError);
  });

  it.each([
    [undefined, ""],
    [{}, ""],
    [{ matchLabels: { app: "nginx" } }, "app=nginx"],
    [{ matchLabels: { tier: "web", app: "nginx" } }, "app=nginx,tier=web"],
    [sel, "app=nginx,!canary,env notin (dev),tier in (a,b),zone"],
  ])("prints %j as %j", (s, expected) => {
    expect(formatLabelSelector(s)).toBe(expected);
  });

  it("prints text that parses back to the same requirements", () => {
    const text = formatLabelSelector(sel);
    expect(parseLabelSelector(text).length).toBe(5);
    expect(matchesLabels(parseLabelSelector(text), { app: "nginx", tier: "a", zone: "z" })).toBe(true);
  });
});

describe("labelSelectorMatches", () => {
  it.each<[string, unknown, Record<string, string>, boolean]>([
    ["a missing selector selects nothing", undefined, { app: "x" }, false],
    ["an empty selector selects everything", {}, { app: "x" }, true],
    [
      "matchLabels and expressions must all hold",
      { matchLabels: { app: "x" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] },
      { app: "x", tier: "web" },
      true,
    ],
    [
      "one failing requirement is enough",
      { matchLabels: { app: "x" }, matchExpressions: [{ key: "tier", operator: "Exists" }] },
      { app: "x" },
      false,
    ],
    [
      "an unknown operator selects nothing",
      { matchExpressions: [{ key: "a", operator: "Near" }] },
      { a: "1" },
      false,
    ],
  ])("%s", (_name, selector, labels, expected) => {
    expect(labelSelectorMatches(selector as LabelSelector | undefined, labels)).toBe(expected);
  });
});

// Keys such as "constructor" are valid label keys: only the labels' own properties count.
describe("labelSelectorMatches: own properties only", () => {
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
