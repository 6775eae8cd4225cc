// The DaemonSet's status counters, computed exactly as Kubernetes does (one pass over the
// nodes, looking only at each node's oldest pod), so `kubectl get ds` and
// `kubectl rollout status` read the same numbers users know.

import type { DaemonSet, DaemonSetStatus, Pod } from "../../shared/api-types.js";
import { STEP_ITEMS, type Steps } from "./plan-types.js";
import { compareOldestFirst, isPodAvailable, isPodReady, isPodUpdated, isTerminal } from "./pod-utils.js";

export interface StatusInput {
  ds: DaemonSet;
  /** Every existing node's name with its shouldRun answer. */
  nodes: ReadonlyArray<{ name: string; shouldRun: boolean }>;
  /** The DaemonSet's pods grouped by target node. */
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
  hash: string;
  templateGeneration?: number;
  now: number;
  collisionCount?: number;
}

/** Terminal pods that are already being deleted no longer count. */
function gone(p: Pod): boolean {
  return p.metadata.deletionTimestamp !== undefined && isTerminal(p);
}

/** desired, current, misscheduled, ready, available, unavailable, updated, observedGeneration. */
export function* computeDaemonSetStatus(input: StatusInput): Steps<DaemonSetStatus> {
  const minReady = input.ds.spec.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  let walked = 0;
  for (const node of input.nodes) {
    if (++walked % STEP_ITEMS === 0) yield;
    const all = input.podsByNode.get(node.name) ?? [];
    const pods = all.some(gone) ? all.filter((p) => !gone(p)) : all;
    if (!node.shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    if (pods.length === 0) continue;
    current++;
    const oldest = pods.length === 1 ? pods[0] : [...pods].sort(compareOldestFirst)[0];
    if (!oldest) continue;
    if (isPodReady(oldest)) ready++;
    if (isPodAvailable(oldest, minReady, input.now)) available++;
    if (isPodUpdated(oldest, input.hash, input.templateGeneration)) updated++;
  }
  const status: DaemonSetStatus = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
  if (input.ds.metadata.generation !== undefined) status.observedGeneration = input.ds.metadata.generation;
  const collisions = input.collisionCount ?? input.ds.status?.collisionCount;
  if (collisions !== undefined) status.collisionCount = collisions;
  if (input.ds.status?.conditions) status.conditions = input.ds.status.conditions;
  return status;
}
