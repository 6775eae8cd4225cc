// Small pure facts about daemon pods that the planner, the rollout and the status all read:
// readiness, availability, which node a pod belongs to, and which of two pods is older.

import type { DaemonSet, OwnerReference, Pod } from "../../shared/api-types.js";

/** The label with the template hash the pod was made from. */
export const HASH_LABEL = "controller-revision-hash";
/** The label with the template generation (the ControllerRevision number) of the pod. */
export const GENERATION_LABEL = "pod-template-generation";

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * Ready, and Ready for at least `minReadySeconds` (from the Ready condition's
 * lastTransitionTime). A Ready pod without a transition time counts as available.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  if (!ready) return false;
  if (minReadySeconds <= 0 || !ready.lastTransitionTime) return true;
  const since = Date.parse(ready.lastTransitionTime);
  return Number.isNaN(since) || since + minReadySeconds * 1000 <= now;
}

/** When a Ready pod becomes available (for re-checking later), or undefined when not Ready. */
export function availableAt(pod: Pod, minReadySeconds: number): number | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  if (!ready?.lastTransitionTime || minReadySeconds <= 0) return undefined;
  const since = Date.parse(ready.lastTransitionTime);
  return Number.isNaN(since) ? undefined : since + minReadySeconds * 1000;
}

export function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded";
}

/**
 * The node a daemon pod is meant for: `spec.nodeName`, or for an unbound pod the single
 * `metadata.name In [node]` term the controller puts into its required node affinity.
 */
export function podTargetNode(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const term of terms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** Whether the pod carries the current template (by hash, or by template generation). */
export function isPodUpdated(pod: Pod, hash: string, templateGeneration?: number): boolean {
  const labels = pod.metadata.labels ?? {};
  if (labels[HASH_LABEL] === hash) return true;
  return templateGeneration !== undefined && labels[GENERATION_LABEL] === String(templateGeneration);
}

/** Orders pods oldest first: bound before unbound, then creationTimestamp, then name. */
export function compareOldestFirst(a: Pod, b: Pod): number {
  const boundA = a.spec.nodeName ? 0 : 1;
  const boundB = b.spec.nodeName ? 0 : 1;
  if (boundA !== boundB) return boundA - boundB;
  const ta = Date.parse(a.metadata.creationTimestamp ?? "") || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? "") || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? "";
  const nb = b.metadata.name ?? "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** The reference that makes a DaemonSet the controller of its pods and revisions. */
export function controllerReferenceTo(ds: DaemonSet): OwnerReference {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    name: ds.metadata.name ?? "",
    uid: ds.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}
