// One pass of the DaemonSet controller, its planning half: read the store and plan every
// DaemonSet (revisions, pods, status), the garbage of deleted DaemonSets and the work of
// those being deleted (garbage-collector.ts), in steps the controller can spread over
// event-loop turns. pass-writer.ts writes the plan.

import type {
  ControllerRevision,
  DaemonSet,
  KubeObject,
  Node,
  Pod,
  PodTemplateSpec,
} from "../../shared/api-types.js";
import type { Store } from "../store/store.js";
import type { FailedPodBackoff } from "./failed-pod-backoff.js";
import { planFinalizing, toAdopt, type Adoption, type Finalizing } from "./garbage-collector.js";
import type { PrePullSupport } from "./plan-prepull.js";
import type { DaemonSetPlan } from "./planner.js";
import { STEP_ITEMS, runSteps, type Steps } from "./plan-types.js";
import { planDaemonSetSteps } from "./planner.js";
import { HASH_LABEL } from "./pod-utils.js";
import type { RevisionPlan } from "./revisions.js";
import { planRevisions } from "./revisions.js";
import { canonicalJson } from "./template-hash.js";

export interface DaemonSetWork {
  ds: DaemonSet;
  /** Its pods as the pass saw them. */
  pods: readonly Pod[];
  revisions: RevisionPlan;
  plan: DaemonSetPlan;
  statusChanged: boolean;
  /** The stable revision, for held-back nodes and the automatic rollback. */
  stable?: StableRevision;
}

export interface StableRevision {
  hash: string;
  revision: number;
  template: PodTemplateSpec;
}

/** The template a ControllerRevision holds (its data is a replace patch of spec.template). */
export function revisionTemplate(r: ControllerRevision): PodTemplateSpec | undefined {
  const data = r.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined;
  const t = data?.spec?.template;
  if (!t || typeof t !== "object") return undefined;
  const { $patch: _patch, ...template } = t;
  return template as PodTemplateSpec;
}

/** The stable revision the DaemonSet's status names, if its ControllerRevision still exists. */
function stableRevisionOf(ds: DaemonSet, owned: readonly ControllerRevision[]): StableRevision | undefined {
  const hash = ds.status?.rollout?.stableHash;
  if (!hash) return undefined;
  const r = owned.find((x) => x.metadata.labels?.[HASH_LABEL] === hash);
  const template = r && revisionTemplate(r);
  return r && template ? { hash, revision: r.revision, template } : undefined;
}

export interface PassPlan {
  work: DaemonSetWork[];
  /** Pods whose owning DaemonSet is gone (cascading deletion). */
  orphanPods: Pod[];
  orphanRevisions: ControllerRevision[];
  /** DaemonSets being deleted in the foreground or orphaning: their dependents' turn. */
  finalizing: Finalizing[];
  /** Orphan pods and revisions a DaemonSet's selector matches. */
  adopt: Adoption[];
  recheckAt?: number;
}

/** The controller ownerReference uid of a DaemonSet-owned object. */
export function daemonSetOwnerUid(object: KubeObject): string | undefined {
  return object.metadata.ownerReferences?.find((r) => r.controller && r.kind === "DaemonSet")?.uid;
}

/**
 * Reads the store and decides everything one pass does; writes nothing. With
 * `collectGarbage`, also finds the pods of DaemonSets that no longer exist (a scan of
 * every pod, so the controller asks for it only when a DaemonSet went away or on resync).
 */
export function planPass(...args: Parameters<typeof planPassSteps>): PassPlan {
  return runSteps(planPassSteps(...args));
}

/**
 * planPass in steps: it yields within and after the garbage scan, within each DaemonSet's
 * plan (planDaemonSetSteps) and after it, so the controller can plan 10,000 nodes in slices.
 * Each DaemonSet is planned over its pods as they are when its turn comes; what changed in
 * between, the writer checks (PassWriter) and the next pass plans.
 */
export function* planPassSteps(
  store: Store,
  now: number,
  backoff: FailedPodBackoff,
  collectGarbage = true,
  nodeCanWait?: (nodeName: string) => boolean,
  prePullSupport?: (nodeName: string) => PrePullSupport,
): Steps<PassPlan> {
  const daemonSets = store.list<DaemonSet>("daemonsets");
  const nodes = store.list<Node>("nodes");
  const existing = new Set(daemonSets.map((d) => d.metadata.uid ?? ""));
  const revisionsByOwner = new Map<string, ControllerRevision[]>();
  const revisionsByName = new Map<string, ControllerRevision>();
  const orphanRevisions: ControllerRevision[] = [];
  const uncontrolledRevisions: ControllerRevision[] = [];
  const addOwned = (owner: string, r: ControllerRevision): void => {
    revisionsByOwner.set(owner, [...(revisionsByOwner.get(owner) ?? []), r]);
  };
  for (const r of store.list<ControllerRevision>("controllerrevisions")) {
    revisionsByName.set(`${r.metadata.namespace}/${r.metadata.name}`, r);
    const owner = daemonSetOwnerUid(r);
    if (owner === undefined) {
      if (!r.metadata.ownerReferences?.some((ref) => ref.controller)) uncontrolledRevisions.push(r);
    } else if (!existing.has(owner)) orphanRevisions.push(r);
    else addOwned(owner, r);
  }

  const result: PassPlan = { work: [], orphanPods: [], orphanRevisions, finalizing: [], adopt: [] };
  // Garbage and adoption first (a scan of every pod), so that this pass plans with what it adopts.
  const adoptedPods = new Map<string, Pod[]>();
  if (collectGarbage) {
    const uncontrolled: Pod[] = [];
    let walked = 0;
    for (const pod of store.list<Pod>("pods")) {
      if (++walked % STEP_ITEMS === 0) yield;
      const owner = daemonSetOwnerUid(pod);
      if (owner !== undefined && !existing.has(owner)) {
        // Those already terminating are on their way.
        if (!pod.metadata.deletionTimestamp) result.orphanPods.push(pod);
      } else if (!pod.metadata.ownerReferences?.some((r) => r.controller)) uncontrolled.push(pod);
    }
    result.adopt = toAdopt(daemonSets, uncontrolled, uncontrolledRevisions);
    for (const a of result.adopt) {
      const uid = a.ds.metadata.uid ?? "";
      adoptedPods.set(uid, a.pods);
      for (const r of a.revisions) addOwned(uid, r);
    }
    yield;
  }
  for (const ds of daemonSets) {
    const uid = ds.metadata.uid ?? "";
    // While a DaemonSet is being deleted the controller leaves it alone, status included;
    // only the garbage collector deals with its dependents.
    if (ds.metadata.deletionTimestamp) {
      const f = planFinalizing(ds, store.listPodsOwnedBy(uid), revisionsByOwner.get(uid) ?? []);
      if (f) result.finalizing.push(f);
      continue;
    }
    const adopted = adoptedPods.get(uid);
    const pods = adopted ? [...store.listPodsOwnedBy(uid), ...adopted] : store.listPodsOwnedBy(uid);
    const owned = revisionsByOwner.get(uid) ?? [];
    const stable = stableRevisionOf(ds, owned);
    const liveHashes = new Set(pods.map((p) => p.metadata.labels?.[HASH_LABEL] ?? ""));
    // The stable revision is what held-back nodes get and what a rollback goes to: kept.
    if (stable) liveHashes.add(stable.hash);
    const revisions = planRevisions(
      ds,
      owned,
      (name) => revisionsByName.get(`${ds.metadata.namespace}/${name}`),
      liveHashes,
    );
    const plan = yield* planDaemonSetSteps({
      ds,
      nodes,
      pods,
      hash: revisions.hash,
      templateGeneration: revisions.revision,
      now,
      failedBackoff: backoff.untilByNode(uid, ds.metadata.generation),
      ...(stable ? { stable: { hash: stable.hash, revision: stable.revision } } : {}),
      ...(nodeCanWait ? { nodeCanWait } : {}),
      ...(prePullSupport ? { prePullSupport } : {}),
    });
    if (revisions.collisionCount > 0) plan.status.collisionCount = revisions.collisionCount;
    const statusChanged = canonicalJson(plan.status) !== canonicalJson(ds.status ?? {});
    result.work.push(
      stable
        ? { ds, pods, revisions, plan, statusChanged, stable }
        : { ds, pods, revisions, plan, statusChanged },
    );
    if (
      plan.recheckAt !== undefined &&
      (result.recheckAt === undefined || plan.recheckAt < result.recheckAt)
    ) {
      result.recheckAt = plan.recheckAt;
    }
    yield;
  }

  return result;
}

/** Whether the pass has anything to write. */
export function passHasWrites(pass: PassPlan): boolean {
  return (
    pass.orphanPods.length > 0 ||
    pass.orphanRevisions.length > 0 ||
    pass.finalizing.length > 0 ||
    pass.adopt.length > 0 ||
    pass.work.some(
      (w) =>
        w.statusChanged ||
        w.plan.rollout?.specChange !== undefined ||
        (w.plan.rollout?.events.length ?? 0) > 0 ||
        w.plan.create.length > 0 ||
        w.plan.delete.length > 0 ||
        w.revisions.create !== undefined ||
        w.revisions.renumber !== undefined ||
        w.revisions.delete.length > 0,
    )
  );
}
