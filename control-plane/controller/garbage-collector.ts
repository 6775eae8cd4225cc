// The garbage collector's part for DaemonSets, as Kubernetes' does it: the dependents of a
// DaemonSet deleted with propagationPolicy Foreground are deleted (pods gracefully) and the
// DaemonSet goes once none is left; with Orphan they lose their ownerReference and stay
// (the agent keeps running them, nothing manages them) and the DaemonSet goes at once. A
// DaemonSet adopts the orphan pods and ControllerRevisions of its namespace that its
// selector matches, as Kubernetes' controller does: a DaemonSet made again after an
// orphaning delete takes its pods back, and replaces them only if its template changed.
// The deciders are pure; `applyFinalizing` and `applyAdoption` write in the pass's transaction.

import type { ControllerRevision, DaemonSet, KubeObject, Pod } from "../../shared/api-types.js";
import type { Deleter } from "../deletion/deleter.js";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from "../deletion/finalizers.js";
import { labelSelectorMatches } from "../kube/index.js";
import type { ResourceName } from "../kube/index.js";
import type { StoreWriter } from "../store/store.js";
import { controllerReferenceTo } from "./pod-utils.js";

/** What to do now for one DaemonSet being deleted. */
export interface Finalizing {
  ds: DaemonSet;
  mode: "foreground" | "orphan";
  /** Foreground: pods to delete; orphan: pods to release. */
  pods: Pod[];
  /** Foreground: revisions to delete; orphan: revisions to release. */
  revisions: ControllerRevision[];
  /** The finalizer can go: no dependent is left (foreground), or all are released (orphan). */
  release: boolean;
}

/** The collector's work for a DaemonSet being deleted, or undefined when there is none now. */
export function planFinalizing(
  ds: DaemonSet,
  pods: readonly Pod[],
  revisions: readonly ControllerRevision[],
): Finalizing | undefined {
  if (!ds.metadata.deletionTimestamp) return undefined;
  const finalizers = ds.metadata.finalizers ?? [];
  if (finalizers.includes(ORPHAN_FINALIZER)) {
    return { ds, mode: "orphan", pods: [...pods], revisions: [...revisions], release: true };
  }
  if (!finalizers.includes(FOREGROUND_FINALIZER)) return undefined;
  // Terminating pods are on their way: the DaemonSet waits until they are gone.
  const work: Finalizing = {
    ds,
    mode: "foreground",
    pods: pods.filter((p) => !p.metadata.deletionTimestamp),
    revisions: [...revisions],
    release: pods.length === 0,
  };
  return work.pods.length > 0 || work.revisions.length > 0 || work.release ? work : undefined;
}

function hasController(o: KubeObject): boolean {
  return o.metadata.ownerReferences?.some((r) => r.controller === true) ?? false;
}

/** What a DaemonSet adopts: orphan pods and revisions its selector matches. */
export interface Adoption {
  ds: DaemonSet;
  pods: Pod[];
  revisions: ControllerRevision[];
}

/**
 * Orphans (no controller, not being deleted) that a live DaemonSet's selector takes, the
 * first DaemonSet by name first. Objects come back with the controller reference they will
 * have, so that the same pass plans with them.
 */
export function toAdopt(
  daemonSets: readonly DaemonSet[],
  pods: readonly Pod[],
  revisions: readonly ControllerRevision[],
): Adoption[] {
  const orphan = (o: KubeObject): boolean => !hasController(o) && !o.metadata.deletionTimestamp;
  const podOrphans = pods.filter(orphan);
  const revisionOrphans = revisions.filter(orphan);
  if (podOrphans.length === 0 && revisionOrphans.length === 0) return [];
  const taken = new Set<KubeObject>();
  const out: Adoption[] = [];
  const byName = [...daemonSets].sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
  for (const ds of byName) {
    if (ds.metadata.deletionTimestamp) continue;
    const mine = <T extends KubeObject>(list: T[]): T[] => {
      const found = list.filter(
        (o) =>
          !taken.has(o) &&
          o.metadata.namespace === ds.metadata.namespace &&
          labelSelectorMatches(ds.spec.selector, { ...(o.metadata.labels ?? {}) }),
      );
      for (const o of found) taken.add(o);
      return found.map((o) => withController(o, ds));
    };
    const adoption = { ds, pods: mine(podOrphans), revisions: mine(revisionOrphans) };
    if (adoption.pods.length > 0 || adoption.revisions.length > 0) out.push(adoption);
  }
  return out;
}

function withController<T extends KubeObject>(o: T, ds: DaemonSet): T {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      ownerReferences: [...(o.metadata.ownerReferences ?? []), controllerReferenceTo(ds)],
    },
  };
}

/** `object` (as stored in `tx` now) without its references to `ownerUid`. */
function release(tx: StoreWriter, resource: ResourceName, object: KubeObject, ownerUid: string): void {
  const stored = tx.get(resource, object.metadata.namespace, object.metadata.name ?? "");
  if (!stored || stored.metadata.uid !== object.metadata.uid) return;
  const refs = stored.metadata.ownerReferences ?? [];
  if (!refs.some((r) => r.uid === ownerUid)) return;
  const next = structuredClone(stored) as KubeObject;
  const left = refs.filter((r) => r.uid !== ownerUid);
  if (left.length > 0) next.metadata.ownerReferences = left;
  else delete next.metadata.ownerReferences;
  tx.update(resource, next);
}

/** Writes one DaemonSet's finalizing work; returns the pods it deleted. */
export function applyFinalizing(tx: StoreWriter, deleter: Deleter, work: Finalizing): Pod[] {
  const uid = work.ds.metadata.uid ?? "";
  const deleted: Pod[] = [];
  if (work.mode === "orphan") {
    for (const p of work.pods) release(tx, "pods", p, uid);
    for (const r of work.revisions) release(tx, "controllerrevisions", r, uid);
    deleter.releaseFinalizer(tx, "daemonsets", work.ds, ORPHAN_FINALIZER);
    return deleted;
  }
  for (const p of work.pods) if (deleter.deletePod(tx, p)) deleted.push(p);
  for (const r of work.revisions) {
    const name = r.metadata.name ?? "";
    const stored = tx.get("controllerrevisions", r.metadata.namespace, name);
    if (stored?.metadata.uid === r.metadata.uid) tx.delete("controllerrevisions", r.metadata.namespace, name);
  }
  if (work.release) deleter.releaseFinalizer(tx, "daemonsets", work.ds, FOREGROUND_FINALIZER);
  return deleted;
}

/** Makes the DaemonSet the controller of what it adopts (each as stored now, if still an orphan). */
export function applyAdoption(tx: StoreWriter, adoption: Adoption): void {
  const adopt = (resource: ResourceName, objects: readonly KubeObject[]): void => {
    for (const o of objects) {
      const stored = tx.get(resource, o.metadata.namespace, o.metadata.name ?? "");
      if (!stored || stored.metadata.uid !== o.metadata.uid || hasController(stored)) continue;
      tx.update(resource, withController(structuredClone(stored) as KubeObject, adoption.ds));
    }
  };
  adopt("controllerrevisions", adoption.revisions);
  adopt("pods", adoption.pods);
}
