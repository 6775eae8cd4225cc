// Which pods `drain` may evict, which it ignores and which stop it, in kubectl's words.

import type { Pod } from "../../shared/api-types.js";

/** The verdict for a node's pods. */
export interface DrainPlan {
  evict: Pod[];
  ignoredDaemonSetPods: Pod[];
  /** kubectl's error lines, one per reason; empty when the drain may go on. */
  errors: string[];
}

const id = (p: Pod): string => `${p.metadata.namespace ?? ""}/${p.metadata.name ?? ""}`;

/** Sorts a node's pods as `kubectl drain` does. */
export function planDrain(
  pods: Pod[],
  opts: { ignoreDaemonSets: boolean; deleteEmptyDirData: boolean; force: boolean },
): DrainPlan {
  const plan: DrainPlan = { evict: [], ignoredDaemonSetPods: [], errors: [] };
  const daemonBlocked: Pod[] = [];
  const unmanaged: Pod[] = [];
  const localStorage: Pod[] = [];
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") {
      plan.evict.push(pod);
      continue;
    }
    const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller);
    if (owner?.kind === "DaemonSet") {
      if (opts.ignoreDaemonSets) plan.ignoredDaemonSetPods.push(pod);
      else daemonBlocked.push(pod);
      continue;
    }
    if (!owner && !opts.force) {
      unmanaged.push(pod);
      continue;
    }
    if ((pod.spec.volumes ?? []).some((v) => v.emptyDir) && !opts.deleteEmptyDirData) {
      localStorage.push(pod);
      continue;
    }
    plan.evict.push(pod);
  }
  if (unmanaged.length > 0)
    plan.errors.push(
      `cannot delete Pods that declare no controller (use --force to override): ${unmanaged.map(id).join(", ")}`,
    );
  if (daemonBlocked.length > 0)
    plan.errors.push(
      `cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemonBlocked.map(id).join(", ")}`,
    );
  if (localStorage.length > 0)
    plan.errors.push(
      `cannot delete Pods with local storage (use --delete-emptydir-data to override): ${localStorage.map(id).join(", ")}`,
    );
  return plan;
}

/** The `Warning:` line for ignored DaemonSet pods. */
export function ignoredWarning(pods: Pod[]): string {
  return `Warning: ignoring DaemonSet-managed Pods: ${pods.map(id).join(", ")}`;
}
