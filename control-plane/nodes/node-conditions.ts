// Pure rules of the node lifecycle: the taints a node's Ready condition and cordon call for,
// setting a condition, and marking a pod not ready. The controller (node-lifecycle.ts)
// only reads, calls these and writes.

import type { Node, NodeCondition, Pod, Taint, TaintEffect } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";

export const NOT_READY_TAINT = "node.kubernetes.io/not-ready";
export const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
export const UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";

/**
 * A copy of a stored (frozen) node that the lifecycle's edits may change in place: its
 * conditions, its taints (replaced whole) and the shells above them. The rest is shared with
 * the stored node, as the store keeps what is frozen: a deep copy of a node cost ~70 µs, once
 * per connecting agent.
 */
export function editableNode(node: Node): Node {
  const next: Node = { ...node, metadata: { ...node.metadata }, spec: { ...node.spec } };
  if (node.status) {
    next.status = { ...node.status };
    if (node.status.conditions) next.status.conditions = node.status.conditions.map((c) => ({ ...c }));
  }
  return next;
}

/** The node's Ready condition, if it has one. */
export function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready");
}

/**
 * The taints the node should carry: the controller-owned ones follow the Ready condition
 * (False → not-ready, Unknown → unreachable, each NoSchedule and NoExecute; True → none;
 * no condition → left as they are) and `spec.unschedulable` (→ unschedulable:NoSchedule).
 * Other taints, and the timeAdded of taints that stay, are kept. Undefined when nothing changes.
 */
export function desiredTaints(node: Node, now: number): Taint[] | undefined {
  const current = node.spec.taints ?? [];
  const want: Array<{ key: string; effect: TaintEffect }> = [];
  const owned = new Set<string>([UNSCHEDULABLE_TAINT]);
  const status = readyCondition(node)?.status;
  if (status !== undefined) {
    owned.add(NOT_READY_TAINT).add(UNREACHABLE_TAINT);
    const key = status === "False" ? NOT_READY_TAINT : status === "Unknown" ? UNREACHABLE_TAINT : undefined;
    if (key) want.push({ key, effect: "NoSchedule" }, { key, effect: "NoExecute" });
  }
  if (node.spec.unschedulable) want.push({ key: UNSCHEDULABLE_TAINT, effect: "NoSchedule" });

  const isWanted = (t: Taint): boolean => want.some((w) => w.key === t.key && w.effect === t.effect);
  const kept = current.filter((t) => !owned.has(t.key) || isWanted(t));
  const missing = want.filter((w) => !kept.some((t) => t.key === w.key && t.effect === w.effect));
  if (missing.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...missing.map((w) => ({ key: w.key, effect: w.effect, timeAdded: rfc3339(now) }))];
}

/**
 * Sets a condition on the node in place: lastTransitionTime moves only when the status
 * changes; lastHeartbeatTime is set when given. Returns whether anything changed.
 */
export function setNodeCondition(
  node: Node,
  type: string,
  change: { status: NodeCondition["status"]; reason: string; message: string; heartbeat?: number },
  now: number,
): boolean {
  node.status ??= {};
  const conditions = (node.status.conditions ??= []);
  let c = conditions.find((x) => x.type === type);
  if (!c) {
    c = { type, status: change.status, lastTransitionTime: rfc3339(now) };
    conditions.push(c);
  } else if (c.status !== change.status) {
    c.status = change.status;
    c.lastTransitionTime = rfc3339(now);
  } else if (c.reason === change.reason && c.message === change.message && change.heartbeat === undefined) {
    return false;
  }
  c.reason = change.reason;
  c.message = change.message;
  if (change.heartbeat !== undefined) c.lastHeartbeatTime = rfc3339(change.heartbeat);
  return true;
}

/**
 * The pod with Ready and ContainersReady set to False (what a node that stopped reporting
 * means for its pods), or undefined when both already are.
 */
export function podMarkedNotReady(pod: Pod, now: number): Pod | undefined {
  const conditions = pod.status?.conditions ?? [];
  const isFalse = (type: string): boolean => conditions.some((c) => c.type === type && c.status === "False");
  if (isFalse("Ready") && isFalse("ContainersReady")) return undefined;
  const next = structuredClone(pod) as Pod;
  next.status ??= {};
  next.status.conditions ??= [];
  for (const type of ["Ready", "ContainersReady"]) {
    const c = next.status.conditions.find((x) => x.type === type);
    if (!c) next.status.conditions.push({ type, status: "False", lastTransitionTime: rfc3339(now) });
    else if (c.status !== "False") {
      c.status = "False";
      c.lastTransitionTime = rfc3339(now);
    }
  }
  return next;
}
