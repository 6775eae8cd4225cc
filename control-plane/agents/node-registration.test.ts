import { describe, expect, it } from "vitest";
import type { Node } from "../../shared/api-types.js";
import type { EverynodeError } from "../../shared/errors.js";
import {
  refuseAdminLabels,
  newNodeFor,
  reRegisteredNode,
  registrationIdentity,
  takenNodeName,
  validateRegisterRequest,
} from "./node-registration.js";

const SECRET = "Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg";

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
    [
      "a good request",
      { nodeName: "node-1.lab", labels: { "example.com/zone": "a" }, taints: [], nodeSecret: SECRET },
      200,
      [],
    ],
    ["no labels or taints", { nodeName: "n1", nodeSecret: SECRET }, 200, []],
    [
      "an upper-case name",
      { nodeName: "Node_1", labels: {}, taints: [], nodeSecret: SECRET },
      422,
      ["nodeName"],
    ],
    ["a missing name", { labels: {}, taints: [], nodeSecret: SECRET }, 422, ["nodeName"]],
    ["a name over 253 characters", { nodeName: "a".repeat(254), nodeSecret: SECRET }, 422, ["nodeName"]],
    ["a bad label key", { nodeName: "n1", labels: { "-bad": "x" }, nodeSecret: SECRET }, 422, ["labels"]],
    [
      "a bad label value",
      { nodeName: "n1", labels: { zone: "a b" }, nodeSecret: SECRET },
      422,
      ["labels[zone]"],
    ],
    [
      "a non-string label value",
      { nodeName: "n1", labels: { zone: 3 }, nodeSecret: SECRET },
      422,
      ["labels[zone]"],
    ],
    [
      "an unknown taint effect",
      { nodeName: "n1", taints: [{ key: "gpu", effect: "Sometimes" }], nodeSecret: SECRET },
      422,
      ["taints[0].effect"],
    ],
    [
      "a taint without key",
      { nodeName: "n1", taints: [{ effect: "NoSchedule" }], nodeSecret: SECRET },
      422,
      ["taints[0].key"],
    ],
    ["taints that are not a list", { nodeName: "n1", taints: "gpu", nodeSecret: SECRET }, 422, ["taints"]],
    ["no node secret (an agent of before node secrets)", { nodeName: "n1" }, 422, ["nodeSecret"]],
    ["an empty node secret", { nodeName: "n1", nodeSecret: "" }, 422, ["nodeSecret"]],
    ["a short node secret", { nodeName: "n1", nodeSecret: "abc" }, 422, ["nodeSecret"]],
    ["a node secret that is not text", { nodeName: "n1", nodeSecret: 12345 }, 422, ["nodeSecret"]],
    ["a node secret with spaces", { nodeName: "n1", nodeSecret: `${SECRET} x` }, 422, ["nodeSecret"]],
    ["a body that is not an object", [1, 2], 400, []],
  ])("%s → %i %j", (_what, body, status, fields) => {
    expect(causesOf(body)).toEqual({ status, fields });
  });

  it("returns the request with labels and taints normalised", () => {
    expect(
      validateRegisterRequest({
        nodeName: "n1",
        taints: [{ key: "gpu", value: "", effect: "NoSchedule" }],
        nodeSecret: SECRET,
      }),
    ).toEqual({
      nodeName: "n1",
      labels: {},
      taints: [{ key: "gpu", effect: "NoSchedule" }],
      nodeSecret: SECRET,
    });
  });

  it("never echoes a bad node secret back", () => {
    const secret = `${SECRET}!`;
    expect(() => validateRegisterRequest({ nodeName: "n1", nodeSecret: secret })).toThrow(/nodeSecret/);
    try {
      validateRegisterRequest({ nodeName: "n1", nodeSecret: secret });
    } catch (e) {
      expect(JSON.stringify((e as EverynodeError).toStatus())).not.toContain(SECRET);
    }
  });

  it("names the node and the field in the message", () => {
    expect(() => validateRegisterRequest({ nodeName: "Bad", nodeSecret: SECRET })).toThrow(
      /Node "Bad" is invalid: nodeName: Invalid value: "Bad"/,
    );
  });
});

describe("newNodeFor", () => {
  it("has the request's labels and taints, a Ready condition that is Unknown and its unreachable taints", () => {
    const node = newNodeFor(
      { nodeName: "n1", labels: { a: "b" }, taints: [{ key: "gpu", effect: "NoSchedule" }] },
      Date.UTC(2026, 0, 1),
    );
    expect(node.metadata).toEqual({ name: "n1", labels: { a: "b" } });
    const timeAdded = "2026-01-01T00:00:00Z";
    expect(node.spec.taints).toEqual([
      { key: "gpu", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded },
    ]);
    expect(node.status?.conditions?.[0]).toMatchObject({
      type: "Ready",
      status: "Unknown",
      reason: "NodeStatusNeverUpdated",
    });
  });
});

describe("registrationIdentity", () => {
  it.each([
    [false, "unset", "create"],
    [false, "matches", "create"],
    [false, "differs", "create"],
    [true, "matches", "rejoin"],
    [true, "unset", "claim"],
    [true, "differs", "refuse"],
  ] as const)("node exists: %s, secret %s → %s", (exists, secret, expected) => {
    expect(registrationIdentity(exists, secret)).toBe(expected);
  });

  it("tells the admin how to let a reinstalled machine rejoin", () => {
    const e = takenNodeName("web-1");
    expect(e.httpStatus).toBe(403);
    expect(e.message).toMatch(/node "web-1" is already registered by a machine with another node secret/);
    expect(e.message).toMatch(/everynode delete node web-1 \(or kubectl delete node web-1\)/);
  });
});

describe("reRegisteredNode", () => {
  const existing: Node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: "n1",
      labels: { a: "1", keep: "yes", "node-role.kubernetes.io/control-plane": "" },
    },
    spec: { taints: [{ key: "admin-set", effect: "NoExecute" }] },
  };
  it.each([
    [{ a: "1" }, undefined],
    [
      { a: "2", b: "3", "kubernetes.io/hostname": "n1" },
      {
        a: "2",
        keep: "yes",
        b: "3",
        "kubernetes.io/hostname": "n1",
        "node-role.kubernetes.io/control-plane": "",
      },
    ],
    // A restricted label repeated as it is changes nothing, so it is no escalation.
    [{ "node-role.kubernetes.io/control-plane": "" }, undefined],
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

describe("reRegisteredNode refuses what only an admin may set", () => {
  const existing: Node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "n1", labels: { "node-role.kubernetes.io/worker": "" } },
    spec: {},
  };
  it.each([
    [{ "node-role.kubernetes.io/control-plane": "" }, "node-role.kubernetes.io/control-plane"],
    [{ "node-role.kubernetes.io/worker": "yes" }, "node-role.kubernetes.io/worker"],
    [{ "node-restriction.kubernetes.io/pci": "true", zone: "a" }, "node-restriction.kubernetes.io/pci"],
    [{ "kubernetes.io/role": "master" }, "kubernetes.io/role"],
  ])("labels %j → 403 naming %s", (labels, named) => {
    let error: EverynodeError | undefined;
    try {
      reRegisteredNode(existing, { nodeName: "n1", labels, taints: [] });
    } catch (e) {
      error = e as EverynodeError;
    }
    expect(error?.httpStatus).toBe(403);
    expect(error?.message).toContain(named);
    expect(error?.message).toMatch(/only an admin may \(kubectl label node n1 \.\.\.\)/);
  });
});

describe("refuseAdminLabels (NodeRestriction for a first registration)", () => {
  const req = (labels: Record<string, string>) => ({ nodeName: "n1", labels, taints: [] });
  it.each([
    [{ zone: "a", "kubernetes.io/hostname": "n1", "topology.kubernetes.io/zone": "z" }, undefined],
    [{ "node-role.kubernetes.io/control-plane": "" }, /node-role.kubernetes.io\/control-plane/],
    [{ "node-restriction.kubernetes.io/x": "y" }, /node-restriction.kubernetes.io\/x/],
    [{ "example.k8s.io/x": "y", ok: "1" }, /example.k8s.io\/x/],
  ])("labels %j", (labels, refused) => {
    if (refused) expect(() => refuseAdminLabels(req(labels))).toThrow(refused);
    else expect(() => refuseAdminLabels(req(labels))).not.toThrow();
  });
});
