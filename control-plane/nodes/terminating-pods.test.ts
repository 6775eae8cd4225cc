import { describe, expect, it } from "vitest";
import type { Node, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { podsToForceRemove } from "./terminating-pods.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const GRACE_MS = 40_000;

function pod(name: string, node: string | undefined, deadlineAgoMs?: number, grace = 30): Pod {
  const p: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { containers: [], ...(node ? { nodeName: node } : {}) },
  };
  if (deadlineAgoMs !== undefined) {
    p.metadata.deletionTimestamp = rfc3339(NOW - deadlineAgoMs);
    p.metadata.deletionGracePeriodSeconds = grace;
  }
  return p;
}
const node = (name: string, ready: "True" | "False" | "Unknown" | undefined): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name },
  spec: {},
  status: ready ? { conditions: [{ type: "Ready", status: ready }] } : {},
});
const NODES = new Map([
  ["ready", node("ready", "True")],
  ["unknown", node("unknown", "Unknown")],
  ["stopped", node("stopped", "False")],
  ["never", node("never", undefined)],
]);

describe("podsToForceRemove", () => {
  it.each<[string, Pod, boolean]>([
    ["a pod that is not terminating", pod("p", "unknown"), false],
    ["a terminating pod on a Ready node, however late", pod("p", "ready", 3_600_000), false],
    ["a terminating pod on a node that is gone", pod("p", "deleted", -30_000), true],
    ["a terminating pod bound to no node", pod("p", undefined, -30_000), true],
    [
      "one on an Unknown node before its deadline + the node grace",
      pod("p", "unknown", GRACE_MS - 1_000),
      false,
    ],
    ["one on an Unknown node past its deadline + the node grace", pod("p", "unknown", GRACE_MS), true],
    ["one on a NotReady node past it", pod("p", "stopped", GRACE_MS + 1_000), true],
    ["one on a node that never reported, past it", pod("p", "never", GRACE_MS), true],
    ["one already gone and held by a finalizer", pod("p", "deleted", 3_600_000, 0), false],
  ])("%s: %s", (_name, p, removed) => {
    expect(podsToForceRemove([p], (n) => NODES.get(n), NOW, GRACE_MS).length).toBe(removed ? 1 : 0);
  });
});
