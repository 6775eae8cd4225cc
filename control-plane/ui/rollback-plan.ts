// What the dashboard's "Roll back" does, decided as `kubectl rollout undo ds/NAME
// [--to-revision=N]` decides it: the target is revision N, or without one the previous
// revision (the second newest); nothing is done when the template already matches it;
// otherwise the revision's data, a strategic merge patch that replaces the template, is
// sent as it is. Pure (the browser runs it).

import type { ControllerRevision, DaemonSet } from "../../shared/api-types.js";

export type RollbackPlan =
  { kind: "patch"; revision: number; patch: unknown } | { kind: "skip"; revision: number; message: string };

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The DaemonSet's own revisions (those it controls), oldest first. */
export function revisionsOf(ds: DaemonSet, all: readonly ControllerRevision[]): ControllerRevision[] {
  return all
    .filter((r) => (r.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === ds.metadata.uid))
    .sort((a, b) => a.revision - b.revision);
}

/** Plans the rollback to `toRevision` (0: the previous one); throws kubectl's errors. */
export function planRollback(
  ds: DaemonSet,
  revisions: readonly ControllerRevision[],
  toRevision = 0,
): RollbackPlan {
  const own = revisionsOf(ds, revisions);
  if (toRevision === 0 && own.length <= 1) throw new Error("no last revision to roll back to");
  const target = toRevision === 0 ? own[own.length - 2] : own.find((r) => r.revision === toRevision);
  if (!target) throw new Error(`unable to find specified revision ${toRevision} in history`);
  const current = { spec: { template: { ...ds.spec.template, $patch: "replace" } } };
  if (canonical(current) === canonical(target.data))
    return {
      kind: "skip",
      revision: target.revision,
      message: `skipped rollback (current template already matches revision ${target.revision})`,
    };
  return { kind: "patch", revision: target.revision, patch: target.data };
}
