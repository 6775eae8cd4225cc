// A DaemonSet's ControllerRevisions (its template history, for `kubectl rollout history` and
// `undo`): which one is current, whether to create or renumber one, which to prune. Pure.

import type { ControllerRevision, DaemonSet, PodTemplateSpec } from "../../shared/api-types.js";
import { controllerReferenceTo, HASH_LABEL } from "./pod-utils.js";
import { canonicalJson, templateHash } from "./template-hash.js";

export interface RevisionPlan {
  /** The current template's hash (with the collision count applied). */
  hash: string;
  collisionCount: number;
  /** The current revision number: the template generation pods are labelled with. */
  revision: number;
  /** A new ControllerRevision to create for the current template. */
  create?: ControllerRevision;
  /** An existing revision given a new, higher number (a rollback to an older template). */
  renumber?: ControllerRevision;
  /** Old revisions beyond revisionHistoryLimit. */
  delete: ControllerRevision[];
}

/** The revision's data: a strategic merge patch that replaces the whole template. */
export function revisionData(template: PodTemplateSpec): unknown {
  return { spec: { template: { ...template, $patch: "replace" } } };
}

const MAX_COLLISIONS = 50;

/**
 * Plans the DaemonSet's revisions. `owned` are the revisions the DaemonSet controls;
 * `getByName` finds any revision in its namespace (to detect name collisions);
 * `liveHashes` are the hashes its pods still carry (those revisions are never pruned).
 */
export function planRevisions(
  ds: DaemonSet,
  owned: readonly ControllerRevision[],
  getByName: (name: string) => ControllerRevision | undefined,
  liveHashes: ReadonlySet<string>,
): RevisionPlan {
  const data = revisionData(ds.spec.template);
  const wanted = canonicalJson(data);
  const maxRevision = owned.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
  let collisionCount = ds.status?.collisionCount ?? 0;

  // The current revision is the newest one whose data is the template, whatever its name.
  const matching = owned
    .filter((r) => canonicalJson(r.data) === wanted)
    .sort((a, b) => b.revision - a.revision);
  let current = matching[0];
  let plan: RevisionPlan;
  if (current) {
    const hash =
      current.metadata.labels?.[HASH_LABEL] ?? templateHash(ds.spec.template, collisionCount || undefined);
    plan = { hash, collisionCount, revision: current.revision, delete: [] };
    if (current.revision < maxRevision) {
      // Revisions only move forward: a template that comes back becomes the newest.
      const renumbered = structuredClone(current) as ControllerRevision;
      renumbered.revision = maxRevision + 1;
      plan.renumber = renumbered;
      plan.revision = renumbered.revision;
      current = renumbered;
    }
  } else {
    let hash = templateHash(ds.spec.template, collisionCount || undefined);
    // A name taken by a revision with other data (or another owner) bumps the collision count.
    while (getByName(`${ds.metadata.name}-${hash}`) && collisionCount < MAX_COLLISIONS) {
      collisionCount++;
      hash = templateHash(ds.spec.template, collisionCount);
    }
    const created = newRevision(ds, hash, maxRevision + 1, data);
    plan = { hash, collisionCount, revision: created.revision, create: created, delete: [] };
  }

  const limit = ds.spec.revisionHistoryLimit ?? 10;
  const currentName = plan.create?.metadata.name ?? current?.metadata.name;
  const old = owned.filter((r) => r.metadata.name !== currentName).sort((a, b) => a.revision - b.revision);
  let excess = old.length - limit;
  for (const r of old) {
    if (excess <= 0) break;
    if (liveHashes.has(r.metadata.labels?.[HASH_LABEL] ?? "")) continue;
    plan.delete.push(r);
    excess--;
  }
  return plan;
}

function newRevision(ds: DaemonSet, hash: string, revision: number, data: unknown): ControllerRevision {
  const cr: ControllerRevision = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${ds.metadata.name}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...ds.spec.template.metadata?.labels, [HASH_LABEL]: hash },
      ownerReferences: [controllerReferenceTo(ds)],
    },
    data: structuredClone(data),
    revision,
  };
  const annotations = ds.metadata.annotations;
  if (annotations && Object.keys(annotations).length > 0) cr.metadata.annotations = { ...annotations };
  return cr;
}
