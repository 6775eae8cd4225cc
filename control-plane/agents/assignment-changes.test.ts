import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { nodesAffectedBy } from "./assignment-changes.js";

function pod(node: string | undefined, extra: Partial<Pod> = {}, rv = "5"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default", resourceVersion: rv, labels: { app: "web" } },
    spec: { containers: [{ name: "c", image: "i" }], ...(node ? { nodeName: node } : {}) },
    ...extra,
  };
}

describe("nodesAffectedBy", () => {
  it.each([
    ["a bound pod added", "ADDED", pod("n1"), undefined, ["n1"]],
    ["an unbound pod added", "ADDED", pod(undefined), undefined, []],
    ["a bound pod deleted", "DELETED", pod("n1"), pod("n1"), ["n1"]],
    ["a status-only change", "MODIFIED", pod("n1", { status: { phase: "Running" } }, "6"), pod("n1"), []],
    [
      "a label change",
      "MODIFIED",
      {
        ...pod("n1", {}, "6"),
        metadata: { ...pod("n1").metadata, labels: { app: "x" }, resourceVersion: "6" },
      },
      pod("n1"),
      ["n1"],
    ],
    [
      "a deletionTimestamp set",
      "MODIFIED",
      {
        ...pod("n1", {}, "6"),
        metadata: { ...pod("n1").metadata, deletionTimestamp: "2026-01-01T00:00:00Z" },
      },
      pod("n1"),
      ["n1"],
    ],
    ["a pod bound to a node", "MODIFIED", pod("n2", {}, "6"), pod(undefined), ["n2"]],
    ["a pod moved between nodes", "MODIFIED", pod("n2", {}, "6"), pod("n1"), ["n2", "n1"]],
  ] as const)("%s → %j", (_what, type, object, previous, expected) => {
    expect(nodesAffectedBy({ type, object, ...(previous ? { previous } : {}) })).toEqual(expected);
  });
});
