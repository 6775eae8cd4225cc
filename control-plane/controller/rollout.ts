// The RollingUpdate step: which old-template pods to replace in this pass, within the
// budget. Unlike Kubernetes, old pods that are already unavailable are not replaced
// "whatever the budget": every replacement takes a slot of maxUnavailable (or maxSurge), so
// repeated bad updates can never take more than the budget down at once.

import type { DaemonSet, Pod } from "../../shared/api-types.js";
import { compareOldestFirst, isPodAvailable, isPodReady, isPodUpdated } from "./pod-utils.js";

export interface RolloutInput {
  ds: DaemonSet;
  hash: string;
  templateGeneration?: number;
  now: number;
  /** Nodes with shouldRun, in a stable order (replacement goes in this order). */
  desiredNodes: readonly string[];
  /** Live (not terminating) pods per node after the manage step. */
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
}

export interface RolloutStep {
  /** Old pods to delete now. */
  delete: Pod[];
  /** Surge only: nodes that get a new pod next to their old one. */
  create: string[];
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

/**
 * Which old pods to delete (and, with maxSurge, on which nodes to start a new pod next to
 * the old one) in this pass. Nodes that are mid-replacement hold a slot until their new
 * pod is available.
 */
export function planRollout(input: RolloutInput): RolloutStep {
  const step: RolloutStep = { delete: [], create: [] };
  if (!isRollingUpdate(input.ds)) return step;
  const minReady = input.ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod): boolean => isPodAvailable(p, minReady, input.now);
  const { maxUnavailable, maxSurge } = rolloutBudget(input.ds, input.desiredNodes.length);

  if (maxSurge > 0) {
    // Create first: a new pod starts next to the old one; the old one goes once it is available.
    let surging = 0;
    const firstChoice: string[] = [];
    const candidates: string[] = [];
    for (const node of input.desiredNodes) {
      const { old, current } = split(input, input.podsByNode.get(node) ?? []);
      if (old.length > 1 || current.length > 1) {
        surging++;
        continue;
      }
      const oldPod = old[0];
      if (!oldPod) continue;
      const newPod = current[0];
      if (newPod) {
        if (available(newPod)) step.delete.push(oldPod);
        else surging++;
        continue;
      }
      (available(oldPod) ? candidates : firstChoice).push(node);
    }
    for (const node of [...firstChoice, ...candidates]) {
      if (surging >= maxSurge) break;
      step.create.push(node);
      surging++;
      // An old pod that is not even Ready serves nothing: it goes now rather than next pass.
      const oldPod = split(input, input.podsByNode.get(node) ?? []).old[0];
      if (oldPod && !isPodReady(oldPod)) step.delete.push(oldPod);
    }
    return step;
  }

  // Delete first. inProgress: nodes whose current-template pod is not available yet.
  // unavailableOld: nodes whose only pod is old and not available.
  let inProgress = 0;
  const unavailableOld: Pod[] = [];
  const availableOld: Pod[] = [];
  for (const node of input.desiredNodes) {
    const { old, current } = split(input, input.podsByNode.get(node) ?? []);
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
    if (oldPod) (available(oldPod) ? availableOld : unavailableOld).push(oldPod);
  }
  let unavailable = inProgress + unavailableOld.length;
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
  // The planner fills the emptied nodes with current-template pods in the same pass.
  return step;
}
