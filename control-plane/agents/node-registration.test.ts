import { describe, expect, it } from "vitest";
import type { Node } from "../../shared/api-types.js";
import type { EverynodeError } from "../../shared/errors.js";
import { newNodeFor, reRegisteredNode, validateRegisterRequest } from "./node-registration.js";

function causesOf(body: unknown): { status: number; fields: string[] } {
  try {
    validateRegisterRequest(body);
  } catch (e) {
    const err = e as EverynodeError;
    return { status: err.httpStatus, fields: (err.details?.causes ?? []).map((c) => c.field ?? "") };
  }
  return { status: 200, fields: [] };
}

describe("validateRegisterRequest", () => {
  it.each([
    ["a good request", { nodeName: "node-1.lab", labels: { "example.com/zone": "a" }, taints: [] }, 200, []],
    ["no labels or taints", { nodeName: "n1" }, 200, []],
    ["an upper-case name", { nodeName: "Node_1", labels: {}, taints: [] }, 422, ["nodeName"]],
    ["a missing name", { labels: {}, taints: [] }, 422, ["nodeName"]],
    ["a name over 253 characters", { nodeName: "a".repeat(254) }, 422, ["nodeName"]],
    ["a bad label key", { nodeName: "n1", labels: { "-bad": "x" } }, 422, ["labels"]],
    ["a bad label value", { nodeName: "n1", labels: { zone: "a b" } }, 422, ["labels[zone]"]],
    ["a non-string label value", { nodeName: "n1", labels: { zone: 3 } }, 422, ["labels[zone]"]],
    [
      "an unknown taint effect",
      { nodeName: "n1", taints: [{ key: "gpu", effect: "Sometimes" }] },
      422,
      ["taints[0].effect"],
    ],
    ["a taint without key", { nodeName: "n1", taints: [{ effect: "NoSchedule" }] }, 422, ["taints[0].key"]],
    ["taints that are not a list", { nodeName: "n1", taints: "gpu" }, 422, ["taints"]],
    ["a body that is not an object", [1, 2], 400, []],
  ])("%s → %i %j", (_what, body, status, fields) => {
    expect(causesOf(body)).toEqual({ status, fields });
  });

  it("returns the request with labels and taints normalised", () => {
    expect(
      validateRegisterRequest({ nodeName: "n1", taints: [{ key: "gpu", value: "", effect: "NoSchedule" }] }),
    ).toEqual({
      nodeName: "n1",
      labels: {},
      taints: [{ key: "gpu", effect: "NoSchedule" }],
    });
  });

  it("names the node and the field in the message", () => {
    expect(() => validateRegisterRequest({ nodeName: "Bad" })).toThrow(
      /Node "Bad" is invalid: nodeName: Invalid value: "Bad"/,
    );
  });
});

describe("newNodeFor", () => {
  it("has the request's labels and taints and a Ready condition that is Unknown", () => {
    const node = newNodeFor(
      { nodeName: "n1", labels: { a: "b" }, taints: [{ key: "gpu", effect: "NoSchedule" }] },
      Date.UTC(2026, 0, 1),
    );
    expect(node.metadata).toEqual({ name: "n1", labels: { a: "b" } });
    expect(node.spec.taints).toEqual([{ key: "gpu", effect: "NoSchedule" }]);
    expect(node.status?.conditions?.[0]).toMatchObject({
      type: "Ready",
      status: "Unknown",
      reason: "NodeStatusNeverUpdated",
    });
  });
});

describe("reRegisteredNode", () => {
  const existing: Node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "n1", labels: { a: "1", keep: "yes" } },
    spec: { taints: [{ key: "admin-set", effect: "NoExecute" }] },
  };
  it.each([
    [{ a: "1" }, undefined],
    [
      { a: "2", b: "3" },
      { a: "2", keep: "yes", b: "3" },
    ],
  ])("labels %j → %j, taints kept", (labels, expected) => {
    const next = reRegisteredNode(existing, {
      nodeName: "n1",
      labels,
      taints: [{ key: "other", effect: "NoSchedule" }],
    });
    expect(next?.metadata.labels).toEqual(expected);
    if (next) expect(next.spec.taints).toEqual(existing.spec.taints);
  });
});
