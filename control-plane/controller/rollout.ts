// The RollingUpdate step: which old-revision pods to replace in this pass, within the
// budget, on which nodes (the canary set), and which revision a node that gets a new pod
// receives. Pure.
//
// The budget is hard: unlike Kubernetes, old pods that are already unavailable are not
// replaced "whatever the budget": every replacement takes a slot of maxUnavailable (or
// maxSurge), and a slot is held until the node's new pod is available.
//
// Nodes that are not Ready (NotReady, Unknown) are left alone: they neither take a slot nor
// block the others. The exception is a node that dropped out in the middle of its own
// update (its pod never became ready, or it has none yet): the new version may be why, or
// its replacement is still to come, so it keeps its slot.
//
// The canary set: desired nodes that match `rollingUpdate.selector` (all without one),
// nodes already on the update revision first, then by node name; the first
// `desired - partition` of them may be updated. Every other node keeps the stable revision.
//
// With pre-pull (plan-prepull.ts), a node of the canary set is replaced only once it has the
// new images; until then it neither takes a slot nor loses its pod.

import type { DaemonSet, Pod } from "../../shared/api-types.js";
import { labelSelectorMatches } from "../kube/index.js";
import type { Steps } from "./plan-types.js";
import { STEP_ITEMS } from "./plan-types.js";
import { compareOldestFirst, isPodAvailable, isPodReady, isPodUpdated } from "./pod-utils.js";

export interface RolloutInput {
  ds: DaemonSet;
  hash: string;
  templateGeneration?: number;
  now: number;
  /** Nodes with shouldRun, sorted by name. */
  desiredNodes: readonly string[];
  /** Live (not terminating) pods per node after the manage step. */
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
  /** Desired nodes whose Ready condition is not True. */
  unreachable?: ReadonlySet<string>;
  /** Node labels, for the canary selector. */
  nodeLabels?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The rollout is held (by the user, or stopped by the controller): nothing is replaced. */
  paused?: boolean;
  /** A stable revision other than the update one exists: held-back nodes get it. */
  hasStable?: boolean;
  /** Pre-pull: whether a node may be replaced yet (it has the new images); all may without it. */
  prePullReady?: (node: string) => boolean;
}

export interface RolloutStep {
  /** Old pods to delete now. */
  delete: Pod[];
  /** Surge only: nodes that get a new pod next to their old one. */
  create: string[];
  /** The nodes the rollout may move to the update revision (while not paused). */
  targets: ReadonlySet<string>;
  /** Desired nodes kept off the update revision by the partition or the selector. */
  heldBack: number;
  /** Nodes whose replacement is under way (each holds a slot of the budget). */
  inProgress: number;
}

/** An int-or-percent scaled against `total`, percents rounded up. */
export function scaledValue(value: number | string | undefined, total: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number") return Math.max(0, Math.floor(value));
  const m = /^(\d+)%$/.exec(value.trim());
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? fallback : Math.max(0, n);
}

/** maxUnavailable and maxSurge as absolute numbers for `desired` nodes. */
export function rolloutBudget(ds: DaemonSet, desired: number): { maxUnavailable: number; maxSurge: number } {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge, desired, 0);
  let maxUnavailable = scaledValue(ru?.maxUnavailable, desired, maxSurge > 0 ? 0 : 1);
  // A rollout that may do nothing at all would never finish.
  if (desired > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxUnavailable, maxSurge };
}

/** True when the DaemonSet rolls (the default) rather than waiting for deletes (OnDelete). */
export function isRollingUpdate(ds: DaemonSet): boolean {
  return (ds.spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

/** Whether the user paused the rollout (`rollingUpdate.paused`). */
export function isPausedBySpec(ds: DaemonSet): boolean {
  return ds.spec.updateStrategy?.rollingUpdate?.paused === true;
}

/**
 * The canary set, in order: desired nodes matching the selector, those already on the
 * update revision first, then by name; only the first `desired - partition` count.
 */
export function rolloutTargets(
  ds: DaemonSet,
  desiredNodes: readonly string[],
  isUpdated: (node: string) => boolean,
  nodeLabels?: ReadonlyMap<string, Readonly<Record<string, string>>>,
): string[] {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const selector = ru?.selector;
  // The common case: every node may be updated, order does not matter.
  if (!selector && scaledValue(ru?.partition, desiredNodes.length, 0) === 0) return [...desiredNodes];
  const eligible = selector
    ? desiredNodes.filter((n) => labelSelectorMatches(selector, { ...(nodeLabels?.get(n) ?? {}) }))
    : [...desiredNodes];
  const partition = Math.min(desiredNodes.length, scaledValue(ru?.partition, desiredNodes.length, 0));
  const count = desiredNodes.length - partition;
  const updated = eligible.filter(isUpdated);
  const rest = eligible.filter((n) => !isUpdated(n));
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...updated.sort(byName), ...rest.sort(byName)].slice(0, count);
}

function split(input: RolloutInput, pods: readonly Pod[]): { old: Pod[]; current: Pod[] } {
  const only = pods.length === 1 ? pods[0] : undefined;
  if (only) {
    return isPodUpdated(only, input.hash, input.templateGeneration)
      ? { old: [], current: [only] }
      : { old: [only], current: [] };
  }
  const old: Pod[] = [];
  const current: Pod[] = [];
  for (const p of pods) (isPodUpdated(p, input.hash, input.templateGeneration) ? current : old).push(p);
  old.sort(compareOldestFirst);
  current.sort(compareOldestFirst);
  return { old, current };
}

/** Whether every container of the pod was ready at the agent's last report. */
function containersWereReady(pod: Pod): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every((c) => c.ready === true);
}

/**
 * An unreachable node keeps a slot only when it dropped out in the middle of its own update:
 * it has no live pod (its old one was deleted and is terminating or gone), both an old and a
 * new one, or a pod that was never ready (a new one, or the stable one a paused rollout put
 * on a node it had emptied).
 */
function unreachableHoldsSlot(old: Pod[], current: Pod[]): boolean {
  if (old.length === 0 && current.length === 0) return true;
  if (old.length > 0 && current.length > 0) return true;
  return ![...old, ...current].every(containersWereReady);
}

/**
 * Which old pods to delete (and, with maxSurge, on which nodes to start a new pod next to
 * the old one) in this pass. Nodes that are mid-replacement hold a slot until their new
 * pod is available.
 */
export function* planRollout(input: RolloutInput): Steps<RolloutStep> {
  const podsOf = (node: string): readonly Pod[] => input.podsByNode.get(node) ?? [];
  const targetList = rolloutTargets(
    input.ds,
    input.desiredNodes,
    (n) => podsOf(n).some((p) => isPodUpdated(p, input.hash, input.templateGeneration)),
    input.nodeLabels,
  );
  const targets = new Set(targetList);
  const step: RolloutStep = {
    delete: [],
    create: [],
    targets,
    heldBack: input.desiredNodes.length - targets.size,
    inProgress: 0,
  };
  if (!isRollingUpdate(input.ds)) return step;
  const minReady = input.ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod): boolean => isPodAvailable(p, minReady, input.now);
  const { maxUnavailable, maxSurge } = rolloutBudget(input.ds, input.desiredNodes.length);
  const replaceable = (node: string): boolean =>
    targets.has(node) && !input.paused && (input.prePullReady?.(node) ?? true);

  if (maxSurge > 0) {
    // Create first: a new pod starts next to the old one; the old one goes once it is available.
    let surging = 0;
    const firstChoice: string[] = [];
    const candidates: string[] = [];
    let walked = 0;
    for (const node of input.desiredNodes) {
      if (++walked % STEP_ITEMS === 0) yield;
      const { old, current } = split(input, podsOf(node));
      if (input.unreachable?.has(node)) {
        if (unreachableHoldsSlot(old, current)) surging++;
        continue;
      }
      if (old.length > 1 || current.length > 1) {
        surging++;
        continue;
      }
      const oldPod = old[0];
      if (!oldPod) continue;
      const newPod = current[0];
      if (newPod) {
        if (!available(newPod)) surging++;
        else if (!input.paused) step.delete.push(oldPod);
        continue;
      }
      if (replaceable(node)) (available(oldPod) ? candidates : firstChoice).push(node);
    }
    step.inProgress = surging;
    for (const node of [...firstChoice, ...candidates]) {
      if (surging >= maxSurge) break;
      step.create.push(node);
      surging++;
      // An old pod that is not even Ready serves nothing: it goes now rather than next pass.
      const oldPod = split(input, podsOf(node)).old[0];
      if (oldPod && !isPodReady(oldPod)) step.delete.push(oldPod);
    }
    return step;
  }

  // Delete first. inProgress: nodes whose update-revision pod is not available yet.
  let inProgress = 0;
  let unavailableOldCount = 0;
  const unavailableOld: Pod[] = [];
  const availableOld: Pod[] = [];
  let walked = 0;
  for (const node of input.desiredNodes) {
    if (++walked % STEP_ITEMS === 0) yield;
    const { old, current } = split(input, podsOf(node));
    if (input.unreachable?.has(node)) {
      if (unreachableHoldsSlot(old, current)) inProgress++;
      continue;
    }
    if (old.length + current.length !== 1) {
      inProgress++;
      continue;
    }
    const newPod = current[0];
    if (newPod) {
      if (!available(newPod)) inProgress++;
      continue;
    }
    const oldPod = old[0];
    if (!oldPod) continue;
    // Unavailable old pods count against the budget wherever they are.
    if (!available(oldPod)) unavailableOldCount++;
    if (replaceable(node)) (available(oldPod) ? availableOld : unavailableOld).push(oldPod);
  }
  step.inProgress = inProgress;
  let unavailable = inProgress + unavailableOldCount;
  // Replacing an unavailable old pod costs no availability, so it goes first; each still
  // takes a slot. An available one goes only while the total stays within the budget.
  for (const pod of unavailableOld) {
    if (inProgress >= maxUnavailable) break;
    step.delete.push(pod);
    inProgress++;
  }
  for (const pod of availableOld) {
    if (inProgress >= maxUnavailable || unavailable >= maxUnavailable) break;
    step.delete.push(pod);
    inProgress++;
    unavailable++;
  }
  // The planner fills the emptied nodes with update-revision pods in the same pass.
  return step;
}
