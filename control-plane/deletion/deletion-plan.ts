// What one DELETE does to one object, as Kubernetes' registry decides it: go at once, or be
// marked (deletionTimestamp, deletionGracePeriodSeconds, the garbage collector's
// finalizers) and stay until its node says its containers are gone and its finalizers are
// cleared, or change nothing because its deletion is already under way. Pure.
//
// Pods are deleted gracefully: the grace period is the request's, else the pod's
// terminationGracePeriodSeconds (30 by default); 0 for a pod bound to no node or already
// terminal. A second DELETE may shorten the grace period, never lengthen it. everynode adds
// one rule: a pod whose node's agent cannot report its containers gone (an agent without
// the gracefulDeletion capability) goes at once, as it always did; that agent then stops
// it gently when it leaves the node's set.

import type { KubeObject, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import type { DeleteOptions } from "./delete-options.js";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from "./finalizers.js";

/** Kubernetes' default terminationGracePeriodSeconds. */
export const DEFAULT_POD_GRACE_SECONDS = 30;

export type DeletionPlan =
  /** The object leaves the store now. */
  | { action: "remove" }
  /** The object is stored as `object` (marked, a shorter grace, other finalizers) and stays. */
  | { action: "update"; object: KubeObject; startsTermination: boolean }
  /** Its deletion is already under way and this request changes nothing. */
  | { action: "pending" };

export interface DeletionInput {
  object: KubeObject;
  options: Pick<DeleteOptions, "gracePeriodSeconds" | "propagationPolicy" | "orphanDependents">;
  now: number;
  /** Pods: whether the agent of the pod's node reports its containers gone. */
  pod?: { nodeCanWait: boolean };
  /** The kind owns dependents (DaemonSets): the request's propagation becomes finalizers. */
  ownsDependents?: boolean;
}

/** Negative grace periods count as 1 s, as in Kubernetes. */
function requestedGrace(options: DeletionInput["options"]): number | undefined {
  const g = options.gracePeriodSeconds;
  return g === undefined ? undefined : g < 0 ? 1 : g;
}

/** The grace period a pod that is not yet terminating gets. */
export function podGracePeriod(pod: Pod, requested: number | undefined, nodeCanWait: boolean): number {
  let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS;
  if (!pod.spec?.nodeName) period = 0;
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") period = 0;
  if (period < 0) period = 1;
  if (!nodeCanWait) period = 0;
  return period;
}

/**
 * The finalizers a deletion leaves on an object that owns dependents: `orphan` for the
 * Orphan policy (or orphanDependents true), `foregroundDeletion` for Foreground, neither for
 * Background; without either option, the object's own finalizers decide (default Background).
 */
export function gcFinalizers(existing: readonly string[], options: DeletionInput["options"]): string[] {
  const has = (f: string): boolean => existing.includes(f);
  const policy = options.propagationPolicy;
  let orphan: boolean;
  let foreground: boolean;
  if (options.orphanDependents !== undefined) {
    orphan = options.orphanDependents;
    foreground = false;
  } else if (policy !== undefined) {
    orphan = policy === "Orphan";
    foreground = policy === "Foreground";
  } else {
    orphan = has(ORPHAN_FINALIZER);
    foreground = !orphan && has(FOREGROUND_FINALIZER);
  }
  const next = existing.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (orphan) next.push(ORPHAN_FINALIZER);
  if (foreground) next.push(FOREGROUND_FINALIZER);
  const same = next.length === existing.length && next.every((f) => existing.includes(f));
  return same ? [...existing] : next;
}

/** The plan for one DELETE of `object` (as stored now). */
export function planDeletion(input: DeletionInput): DeletionPlan {
  const { object, options, now } = input;
  const meta = object.metadata;
  const requested = requestedGrace(options);
  let deletionTimestamp = meta.deletionTimestamp;
  let grace = meta.deletionGracePeriodSeconds;
  let graceful = false;
  if (input.pod) {
    if (deletionTimestamp !== undefined) {
      if (grace !== undefined && grace > 0) {
        // Only a shorter grace period counts; the deadline moves with it.
        if (requested === undefined || requested >= grace) return { action: "pending" };
        const start = Date.parse(deletionTimestamp) - grace * 1000;
        deletionTimestamp = rfc3339((Number.isNaN(start) ? now : start) + requested * 1000);
        grace = requested;
        graceful = requested > 0;
      }
      // A grace period of 0 (the node said the containers are gone): only finalizers hold it.
    } else {
      const period = podGracePeriod(object as Pod, requested, input.pod.nodeCanWait);
      deletionTimestamp = rfc3339(now + period * 1000);
      grace = period;
      graceful = period > 0;
    }
  }
  const existing = meta.finalizers ?? [];
  const finalizers = input.ownsDependents ? gcFinalizers(existing, options) : [...existing];
  if (!graceful && finalizers.length === 0) return { action: "remove" };

  // Only the metadata changes (the store copies whatever it writes that is not already frozen).
  const next: KubeObject = { ...object, metadata: { ...meta } };
  next.metadata.deletionTimestamp = deletionTimestamp ?? rfc3339(now);
  next.metadata.deletionGracePeriodSeconds = grace ?? 0;
  if (finalizers.length > 0) next.metadata.finalizers = finalizers;
  else delete next.metadata.finalizers;
  const unchanged =
    next.metadata.deletionTimestamp === meta.deletionTimestamp &&
    next.metadata.deletionGracePeriodSeconds === meta.deletionGracePeriodSeconds &&
    JSON.stringify(finalizers) === JSON.stringify(existing);
  if (unchanged) return { action: "pending" };
  return { action: "update", object: next, startsTermination: meta.deletionTimestamp === undefined };
}
