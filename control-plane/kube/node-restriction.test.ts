import { describe, expect, it } from "vitest";
import type { Node } from "../../shared/api-types.js";
import {
  changedLabels,
  forbiddenLabels,
  nodeMaySetLabel,
  nodeRestrictionMessage,
  nodeUpdateViolations,
} from "./node-restriction.js";

describe("nodeMaySetLabel", () => {
  it.each<[string, boolean]>([
    ["zone", true],
    ["example.com/rack", true],
    ["everynode.io/pool", true],
    ["kubernetes.io/hostname", true],
    ["kubernetes.io/os", true],
    ["kubernetes.io/arch", true],
    ["beta.kubernetes.io/arch", true],
    ["beta.kubernetes.io/instance-type", true],
    ["node.kubernetes.io/instance-type", true],
    ["topology.kubernetes.io/zone", true],
    ["topology.kubernetes.io/region", true],
    ["failure-domain.beta.kubernetes.io/zone", true],
    ["kubelet.kubernetes.io/anything", true],
    ["foo.kubelet.kubernetes.io/anything", true],
    ["node.kubernetes.io/exclude-from-external-load-balancers", true],
    ["foo.node.kubernetes.io/x", true],
    ["node-role.kubernetes.io/control-plane", false],
    ["node-role.kubernetes.io/worker", false],
    ["node-restriction.kubernetes.io/pci", false],
    ["foo.node-restriction.kubernetes.io/pci", false],
    ["kubernetes.io/role", false],
    ["kubernetes.io/other", false],
    ["topology.kubernetes.io/rack", false],
    ["k8s.io/x", false],
    ["sub.k8s.io/x", false],
    ["example.kubernetes.io/x", false],
    // Only the namespace itself and its subdomains are reserved, not look-alikes.
    ["notkubernetes.io/x", true],
    ["kubernetes.io.example.com/x", true],
  ])("%s → %s", (key, expected) => {
    expect(nodeMaySetLabel(key)).toBe(expected);
  });
});

describe("changedLabels and forbiddenLabels", () => {
  it("counts added, changed and removed keys, sorted", () => {
    expect(changedLabels({ a: "1", b: "2", c: "3" }, { a: "1", b: "x", d: "4" })).toEqual(["b", "c", "d"]);
  });

  it("keeps only the admin's keys", () => {
    expect(forbiddenLabels(["zone", "node-role.kubernetes.io/x", "kubernetes.io/hostname"])).toEqual([
      "node-role.kubernetes.io/x",
    ]);
  });
});

const base: Node = {
  apiVersion: "v1",
  kind: "Node",
  metadata: {
    name: "a",
    uid: "u1",
    resourceVersion: "5",
    labels: { "kubernetes.io/hostname": "a", "node-role.kubernetes.io/control-plane": "" },
    annotations: { note: "x" },
  },
  spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] },
  status: { conditions: [{ type: "Ready", status: "True" }] },
};

function edit(change: (n: Node) => void): Node {
  const n = structuredClone(base);
  change(n);
  return n;
}

describe("nodeUpdateViolations", () => {
  it.each<[string, Node, string[]]>([
    ["nothing changed", edit(() => {}), []],
    ["a new resourceVersion (the write's precondition)", edit((n) => (n.metadata.resourceVersion = "9")), []],
    ["its status", edit((n) => (n.status = { conditions: [{ type: "Ready", status: "False" }] })), []],
    ["a plain label added", edit((n) => (n.metadata.labels!.zone = "a")), []],
    [
      "an allowed kubernetes.io label changed",
      edit((n) => (n.metadata.labels!["kubernetes.io/hostname"] = "b")),
      [],
    ],
    [
      "a role label added",
      edit((n) => (n.metadata.labels!["node-role.kubernetes.io/worker"] = "")),
      ["metadata.labels[node-role.kubernetes.io/worker]"],
    ],
    [
      "a role label removed",
      edit((n) => delete n.metadata.labels!["node-role.kubernetes.io/control-plane"]),
      ["metadata.labels[node-role.kubernetes.io/control-plane]"],
    ],
    [
      "a node-restriction label added",
      edit((n) => (n.metadata.labels!["node-restriction.kubernetes.io/gpu"] = "yes")),
      ["metadata.labels[node-restriction.kubernetes.io/gpu]"],
    ],
    ["its taints removed", edit((n) => delete n.spec.taints), ["spec.taints"]],
    [
      "a taint's effect changed",
      edit((n) => (n.spec.taints = [{ key: "dedicated", value: "db", effect: "PreferNoSchedule" }])),
      ["spec.taints"],
    ],
    ["uncordoned", edit((n) => (n.spec.unschedulable = false)), ["spec.unschedulable"]],
    ["another spec field", edit((n) => (n.spec.podCIDR = "10.0.0.0/24")), ["spec.podCIDR"]],
    ["annotations (allowed, as Kubernetes allows kubelets)", edit((n) => (n.metadata.annotations = {})), []],
    ["finalizers", edit((n) => (n.metadata.finalizers = ["x"])), ["metadata.finalizers"]],
    [
      "an unknown top-level field",
      edit((n) => ((n as unknown as Record<string, unknown>).extra = 1)),
      ["extra"],
    ],
    [
      "several at once, each named",
      edit((n) => {
        n.spec = {};
        n.metadata.labels!["kubernetes.io/role"] = "master";
      }),
      ["metadata.labels[kubernetes.io/role]", "spec.taints"],
    ],
  ])("%s", (_what, after, expected) => {
    expect(nodeUpdateViolations(base, after)).toEqual(expected);
  });
});

describe("nodeRestrictionMessage", () => {
  it("names the node, what it may not change, and who may", () => {
    const m = nodeRestrictionMessage("a", ["spec.taints", "metadata.labels[node-role.kubernetes.io/x]"]);
    expect(m).toMatch(
      /^node "a" is not allowed to modify spec\.taints, metadata\.labels\[node-role\.kubernetes\.io\/x\]: /,
    );
    expect(m).toMatch(/kubectl label, taint, cordon/);
  });
});
