import { describe, expect, it } from "vitest";
import type { KubeObject, Node } from "../../shared/api-types.js";
import type { ChangeEvent } from "../store/store.js";
import { changeIsUrgent, changeMatters } from "./daemonset-controller.js";
import { daemonPod, daemonSet, node } from "./test-builders.js";

const modified = (
  resource: ChangeEvent["resource"],
  previous: KubeObject,
  object: KubeObject,
): ChangeEvent => ({
  type: "MODIFIED",
  resource,
  previous,
  object,
  revision: 2,
});
const heartbeatOnly = (): [Node, Node] => {
  const before = node("n1");
  const after = structuredClone(before);
  after.status!.conditions![0]!.lastHeartbeatTime = "2026-06-01T12:00:00Z";
  after.metadata.resourceVersion = "9";
  return [before, after];
};

const withImages = (): [Node, Node] => {
  const before = node("n1");
  const after = structuredClone(before);
  after.status!.images = [{ names: ["web:v2"], sizeBytes: 1 }];
  return [before, after];
};

describe("changeMatters", () => {
  it.each<[string, ChangeEvent, boolean]>([
    [
      "an event",
      { type: "ADDED", resource: "events", object: { metadata: { name: "e" } }, revision: 1 },
      false,
    ],
    ["a node heartbeat", modified("nodes", ...heartbeatOnly()), false],
    ["a node label change", modified("nodes", node("n1"), node("n1", { labels: { role: "edge" } })), true],
    [
      "a node taint change",
      modified("nodes", node("n1"), node("n1", { taints: [{ key: "k", effect: "NoSchedule" }] })),
      true,
    ],
    ["a node reporting pre-pulled images", modified("nodes", ...withImages()), true],
    ["a new node", { type: "ADDED", resource: "nodes", object: node("n2"), revision: 1 }, true],
    ["a deleted node", { type: "DELETED", resource: "nodes", object: node("n2"), revision: 1 }, true],
    [
      "a daemon pod's status",
      modified("pods", daemonPod("p", "n1", { ready: false }), daemonPod("p", "n1")),
      true,
    ],
    [
      "a pod no DaemonSet owns",
      {
        type: "ADDED",
        resource: "pods",
        object: { metadata: { name: "x" }, spec: { containers: [] } },
        revision: 1,
      },
      false,
    ],
    ["a DaemonSet", { type: "ADDED", resource: "daemonsets", object: daemonSet(), revision: 1 }, true],
  ])("%s → %s", (_name, event, expected) => {
    expect(changeMatters(event)).toBe(expected);
  });
});

describe("changeIsUrgent", () => {
  const respec = (): [KubeObject, KubeObject] => {
    const before = daemonSet();
    const after = structuredClone(before);
    after.spec.minReadySeconds = 5;
    after.metadata.generation = (before.metadata.generation ?? 1) + 1;
    return [before, after];
  };
  const restatus = (): [KubeObject, KubeObject] => {
    const before = daemonSet();
    const after = structuredClone(before);
    after.status = { ...after.status, numberReady: 3 } as typeof after.status;
    return [before, after];
  };
  const deleting = (): [KubeObject, KubeObject] => {
    const before = daemonSet();
    const after = structuredClone(before);
    after.metadata.deletionTimestamp = "2026-06-01T12:00:00Z";
    return [before, after];
  };
  it.each<[string, ChangeEvent, boolean]>([
    ["a new DaemonSet", { type: "ADDED", resource: "daemonsets", object: daemonSet(), revision: 1 }, true],
    [
      "a deleted DaemonSet",
      { type: "DELETED", resource: "daemonsets", object: daemonSet(), revision: 1 },
      true,
    ],
    ["a DaemonSet's spec change", modified("daemonsets", ...respec()), true],
    ["a DaemonSet being deleted", modified("daemonsets", ...deleting()), true],
    ["a DaemonSet's status", modified("daemonsets", ...restatus()), false],
    [
      "a daemon pod's status",
      modified("pods", daemonPod("p", "n1", { ready: false }), daemonPod("p", "n1")),
      false,
    ],
    ["a new node", { type: "ADDED", resource: "nodes", object: node("n2"), revision: 1 }, false],
  ])("%s → %s", (_name, event, expected) => {
    expect(changeIsUrgent(event)).toBe(expected);
  });
});
