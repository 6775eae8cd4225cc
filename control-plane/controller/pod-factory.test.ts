import { describe, expect, it } from "vitest";
import type { PodSpec } from "../../shared/api-types.js";
import { newDaemonPod, qosClassOf } from "./pod-factory.js";
import { daemonSet } from "./test-builders.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describe("newDaemonPod", () => {
  const ds = daemonSet({
    tolerations: [{ key: "gpu", operator: "Exists" }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }],
      },
    },
  });
  ds.spec.template.metadata = { labels: { app: "web" }, annotations: { note: "hi" } };
  const pod = newDaemonPod(ds, "n1", "abc123", 3, NOW);

  it("is named by generateName in the DaemonSet's namespace", () => {
    expect(pod.metadata.name).toBeUndefined();
    expect(pod.metadata.generateName).toBe("web-");
    expect(pod.metadata.namespace).toBe("default");
  });

  it("carries the template's labels plus the revision hash and generation, and its annotations", () => {
    expect(pod.metadata.labels).toEqual({
      app: "web",
      "controller-revision-hash": "abc123",
      "pod-template-generation": "3",
    });
    expect(pod.metadata.annotations).toEqual({ note: "hi" });
  });

  it("is owned by the DaemonSet as its controller", () => {
    expect(pod.metadata.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        name: "web",
        uid: "ds-uid-1",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it("is bound to the node, pinned by name, with the preferred affinity kept", () => {
    expect(pod.spec.nodeName).toBe("n1");
    expect(pod.spec.affinity?.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }],
    });
  });

  it("has the template's tolerations plus the defaults", () => {
    expect(pod.spec.tolerations?.[0]).toEqual({ key: "gpu", operator: "Exists" });
    expect(pod.spec.tolerations?.map((t) => t.key)).toContain("node.kubernetes.io/unreachable");
  });

  it("starts Pending and scheduled", () => {
    expect(pod.status).toEqual({
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "2026-06-01T12:00:00Z" }],
      qosClass: "BestEffort",
    });
  });

  it("does not change the DaemonSet", () => {
    expect(ds.spec.template.spec.nodeName).toBeUndefined();
    expect(ds.spec.template.spec.tolerations).toHaveLength(1);
  });
});

describe("qosClassOf", () => {
  const spec = (resources: NonNullable<PodSpec["containers"][number]["resources"]>): PodSpec => ({
    containers: [{ name: "c", resources }],
  });
  it.each([
    ["no requests or limits", spec({}), "BestEffort"],
    ["limits only (requests default to them)", spec({ limits: { cpu: "1", memory: "1Gi" } }), "Guaranteed"],
    [
      "requests equal limits",
      spec({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1", memory: "1Gi" } }),
      "Guaranteed",
    ],
    [
      "requests below limits",
      spec({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m" } }),
      "Burstable",
    ],
    ["only a memory limit", spec({ limits: { memory: "1Gi" } }), "Burstable"],
  ])("%s → %s", (_name, s, expected) => {
    expect(qosClassOf(s)).toBe(expected);
  });
});
