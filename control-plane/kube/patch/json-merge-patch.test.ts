import { describe, expect, it } from "vitest";
import { applyJsonMergePatch } from "./json-merge-patch.js";

const node = {
  metadata: { name: "node01", labels: { "kubernetes.io/hostname": "node01" } },
  spec: { taints: [{ key: "a", effect: "NoSchedule" }] },
};

describe("applyJsonMergePatch", () => {
  it.each([
    [
      "kubectl label adds a label and keeps the others",
      node,
      { metadata: { labels: { disk: "ssd" } } },
      { ...node, metadata: { name: "node01", labels: { "kubernetes.io/hostname": "node01", disk: "ssd" } } },
    ],
    [
      "null deletes a key",
      node,
      { metadata: { labels: { "kubernetes.io/hostname": null } } },
      { ...node, metadata: { name: "node01", labels: {} } },
    ],
    ["arrays are replaced", node, { spec: { taints: [] } }, { ...node, spec: { taints: [] } }],
    ["a non-object patch replaces the target", node, "x", "x"],
    ["a scalar target becomes an object", 5, { a: { b: null, c: 1 } }, { a: { c: 1 } }],
    // RFC 7386 appendix examples
    ["RFC: replace value", { a: "b" }, { a: "c" }, { a: "c" }],
    ["RFC: nested null", { a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    ["RFC: array in patch", { a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    ["RFC: deep create", {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("%s", (_name, target, patch, expected) => {
    expect(applyJsonMergePatch(target, patch)).toEqual(expected);
  });

  it("does not change its inputs, even frozen ones", () => {
    const target = Object.freeze({ metadata: Object.freeze({ labels: Object.freeze({ a: "1" }) }) });
    const patch = { metadata: { labels: { b: "2" } } };
    const result = applyJsonMergePatch(target, patch) as { metadata: { labels: Record<string, string> } };
    expect(target.metadata.labels).toEqual({ a: "1" });
    result.metadata.labels["c"] = "3";
    expect(patch.metadata.labels).toEqual({ b: "2" });
  });
});

describe("applyJsonMergePatch: prototype keys", () => {
  it("merges __proto__ as a plain key, never as the result's prototype", () => {
    const patch = JSON.parse('{"spec":{"__proto__":{"minReadySeconds":5}},"__proto__":{"kind":"Evil"}}');
    const result = applyJsonMergePatch({ kind: "DaemonSet", spec: {} }, patch) as Record<string, any>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.spec)).toBe(Object.prototype);
    expect(result.spec.minReadySeconds).toBeUndefined();
    expect(result.kind).toBe("DaemonSet");
    expect(JSON.stringify(result)).toBe(
      '{"kind":"DaemonSet","spec":{"__proto__":{"minReadySeconds":5}},"__proto__":{"kind":"Evil"}}',
    );
  });

  it("reads nothing inherited: constructor and toString are new keys", () => {
    const result = applyJsonMergePatch({}, { constructor: { a: 1 }, toString: null }) as object;
    expect(JSON.stringify(result)).toBe('{"constructor":{"a":1}}');
  });
});
