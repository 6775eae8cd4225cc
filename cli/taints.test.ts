import { describe, it, expect } from "vitest";
import { applyTaintChanges, parseTaintArgs } from "./taints.js";

describe("taint arguments", () => {
  it.each([
    [
      ["dedicated=gpu:NoSchedule"],
      { add: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }], remove: [] },
    ],
    [
      ["node-role.kubernetes.io/control-plane:NoSchedule"],
      { add: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }], remove: [] },
    ],
    [["dedicated:NoSchedule-"], { add: [], remove: [{ key: "dedicated", effect: "NoSchedule" }] }],
    [["dedicated-"], { add: [], remove: [{ key: "dedicated" }] }],
  ])("%j", (args, expected) => expect(parseTaintArgs(args)).toEqual(expected));

  it.each([["a=b:Sometimes"], ["novalue"], []])("%j is rejected", (...args) => {
    expect(() => parseTaintArgs(args.filter((a): a is string => typeof a === "string"))).toThrow();
  });
});

describe("new taint lists", () => {
  const master = [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" as const }];

  it("adds a taint and says tainted", () => {
    const r = applyTaintChanges("n", master, parseTaintArgs(["a=b:NoExecute"]), false);
    expect(r).toEqual({
      taints: [...master, { key: "a", value: "b", effect: "NoExecute" }],
      operation: "tainted",
    });
  });

  it("removes the last taint and says untainted", () => {
    expect(
      applyTaintChanges(
        "n",
        master,
        parseTaintArgs(["node-role.kubernetes.io/control-plane:NoSchedule-"]),
        false,
      ),
    ).toEqual({
      taints: [],
      operation: "untainted",
    });
  });

  it("refuses a duplicate without --overwrite, as kubectl does", () => {
    expect(() =>
      applyTaintChanges(
        "node01",
        master,
        parseTaintArgs(["node-role.kubernetes.io/control-plane=x:NoSchedule"]),
        false,
      ),
    ).toThrow("node node01 already has a taint(s) with same effect(s) and --overwrite is false");
    expect(
      applyTaintChanges(
        "n",
        master,
        parseTaintArgs(["node-role.kubernetes.io/control-plane=x:NoSchedule"]),
        true,
      ).taints,
    ).toEqual([{ key: "node-role.kubernetes.io/control-plane", value: "x", effect: "NoSchedule" }]);
  });

  it("fails to remove a taint that is not there", () => {
    expect(() => applyTaintChanges("n", [], parseTaintArgs(["x-"]), false)).toThrow('taint "x" not found');
  });
});
