import { describe, expect, it } from "vitest";
import type { Node, NodeCondition, Pod, Taint } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { deepFreeze } from "../store/deep-freeze.js";
import { desiredTaints, editableNode, podMarkedNotReady, setNodeCondition } from "./node-conditions.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const STAMP = rfc3339(NOW);

function nodeWith(
  ready: NodeCondition["status"] | undefined,
  taints: Taint[] = [],
  unschedulable = false,
): Node {
  return {
    metadata: { name: "n1" },
    spec: { taints, ...(unschedulable ? { unschedulable } : {}) },
    status: { conditions: ready ? [{ type: "Ready", status: ready }] : [] },
  };
}
const t = (key: string, effect: Taint["effect"], timeAdded?: string): Taint => ({
  key,
  effect,
  ...(timeAdded ? { timeAdded } : {}),
});
const NR = "node.kubernetes.io/not-ready";
const UR = "node.kubernetes.io/unreachable";
const US = "node.kubernetes.io/unschedulable";

describe("desiredTaints", () => {
  it.each<[string, Node, Taint[] | undefined]>([
    ["Ready with no taints: nothing to do", nodeWith("True"), undefined],
    [
      "Ready=False adds not-ready both ways",
      nodeWith("False"),
      [t(NR, "NoSchedule", STAMP), t(NR, "NoExecute", STAMP)],
    ],
    [
      "Ready=Unknown adds unreachable both ways",
      nodeWith("Unknown"),
      [t(UR, "NoSchedule", STAMP), t(UR, "NoExecute", STAMP)],
    ],
    [
      "Unknown replaces not-ready",
      nodeWith("Unknown", [t(NR, "NoSchedule", "old"), t(NR, "NoExecute", "old")]),
      [t(UR, "NoSchedule", STAMP), t(UR, "NoExecute", STAMP)],
    ],
    [
      "Ready removes unreachable and keeps other taints",
      nodeWith("True", [t(UR, "NoExecute"), t("gpu", "NoSchedule")]),
      [t("gpu", "NoSchedule")],
    ],
    [
      "taints that stay keep their timeAdded",
      nodeWith("False", [t(NR, "NoSchedule", "old"), t(NR, "NoExecute", "old")]),
      undefined,
    ],
    ["no Ready condition leaves not-ready alone", nodeWith(undefined, [t(NR, "NoSchedule")]), undefined],
    ["cordon adds unschedulable", nodeWith("True", [], true), [t(US, "NoSchedule", STAMP)]],
    ["uncordon removes unschedulable", nodeWith("True", [t(US, "NoSchedule")]), []],
  ])("%s", (_name, node, expected) => {
    expect(desiredTaints(node, NOW)).toEqual(expected);
  });
});

describe("setNodeCondition", () => {
  it("moves lastTransitionTime only when the status changes", () => {
    const n = nodeWith("True");
    n.status!.conditions![0]!.lastTransitionTime = "earlier";
    expect(
      setNodeCondition(
        n,
        "Ready",
        { status: "True", reason: "KubeletReady", message: "m", heartbeat: NOW },
        NOW,
      ),
    ).toBe(true);
    expect(n.status?.conditions?.[0]).toMatchObject({
      lastTransitionTime: "earlier",
      lastHeartbeatTime: STAMP,
    });
    expect(setNodeCondition(n, "Ready", { status: "False", reason: "Stopped", message: "bye" }, NOW)).toBe(
      true,
    );
    expect(n.status?.conditions?.[0]).toMatchObject({
      status: "False",
      lastTransitionTime: STAMP,
      reason: "Stopped",
    });
    expect(setNodeCondition(n, "Ready", { status: "False", reason: "Stopped", message: "bye" }, NOW)).toBe(
      false,
    );
  });
});

describe("editableNode", () => {
  it("takes the lifecycle's edits of a stored (frozen) node and leaves the stored one as it was", () => {
    const stored = deepFreeze({
      ...nodeWith("False", [t("node.kubernetes.io/not-ready", "NoSchedule", "x"), t("a", "NoExecute")]),
      metadata: { name: "n1", labels: { zone: "a" } },
      status: {
        conditions: [
          { type: "Ready", status: "False" as const, reason: "Down" },
          { type: "MemoryPressure", status: "False" as const },
        ],
        images: [{ names: ["img:1"] }],
      },
    }) as Node;
    const before = JSON.stringify(stored);
    const next = editableNode(stored);
    expect(
      setNodeCondition(next, "Ready", { status: "True", reason: "KubeletReady", message: "ok" }, NOW),
    ).toBe(true);
    setNodeCondition(next, "DiskPressure", { status: "False", reason: "r", message: "m" }, NOW);
    next.spec.taints = desiredTaints(next, NOW);
    next.metadata.annotations = { edited: "yes" };
    expect(JSON.stringify(stored)).toBe(before);
    expect(next.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ["Ready", "True"],
      ["MemoryPressure", "False"],
      ["DiskPressure", "False"],
    ]);
    expect(next.spec.taints).toEqual([t("a", "NoExecute")]);
    // What it did not need to copy is the stored node's own, frozen parts.
    expect(next.metadata.labels).toBe(stored.metadata.labels);
    expect(next.status?.images).toBe(stored.status?.images);
  });

  it("lets a condition be set on a node without a status", () => {
    const next = editableNode(deepFreeze({ metadata: { name: "n1" }, spec: {} }) as Node);
    setNodeCondition(next, "Ready", { status: "True", reason: "KubeletReady", message: "" }, NOW);
    expect(next.status?.conditions?.[0]?.status).toBe("True");
  });
});

describe("podMarkedNotReady", () => {
  const pod = (ready: boolean): Pod => ({
    metadata: { name: "p" },
    spec: { containers: [] },
    status: {
      phase: "Running",
      conditions: [
        { type: "Ready", status: ready ? "True" : "False" },
        { type: "ContainersReady", status: ready ? "True" : "False" },
      ],
    },
  });
  it("sets Ready and ContainersReady to False, keeping the phase", () => {
    const next = podMarkedNotReady(pod(true), NOW);
    expect(next?.status?.phase).toBe("Running");
    expect(next?.status?.conditions).toEqual([
      { type: "Ready", status: "False", lastTransitionTime: STAMP },
      { type: "ContainersReady", status: "False", lastTransitionTime: STAMP },
    ]);
  });
  it("returns nothing when the pod already is not ready", () => {
    expect(podMarkedNotReady(pod(false), NOW)).toBeUndefined();
  });
});
