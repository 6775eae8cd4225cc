// What differs between resource types behind the generic handlers: defaults, validation,
// server-set fields, refused verbs, delete protection and the answer to a DELETE. What a
// deletion does (graceful pods, finalizers, cascades) is control-plane/deletion's.

import type { KubeObject } from "../../../shared/api-types.js";
import type { Verb } from "../authorization.js";

/** The per-type behaviour the generic handlers call. */
export interface ResourceRule {
  /** Verbs this type does not serve, with the 405 message. */
  readonly refused?: Partial<Record<Verb, string>>;
  /** The object to store for a create: defaults, validation (422), server-set fields. */
  prepareCreate(object: KubeObject): KubeObject;
  /**
   * The object to store for an update. `next` already carries the old status (main resource)
   * or the old everything-but-status (`subresource === "status"`).
   */
  prepareUpdate(next: KubeObject, old: KubeObject, subresource: string | undefined): KubeObject;
  /** Warnings about an object just accepted (a `Warning` header each); the kind's hook. */
  warnings?(object: KubeObject): string[];
  /** Refuses a delete by throwing (e.g. a builtin namespace). */
  checkDelete?(object: KubeObject): void;
  /** The body of a DELETE that removed the object; the default is a Kubernetes Success Status. */
  deleteResponse?(deleted: KubeObject, deletedAt: string): unknown;
}

/** The Success Status the API server answers an immediate delete with. */
export function deletedStatus(deleted: KubeObject, resource: string, group: string): unknown {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name: deleted.metadata.name, group, kind: resource, uid: deleted.metadata.uid },
  };
}

/** The object as it was, marked deleted at `deletedAt` (pods and namespaces answer this). */
export function markedDeleted(deleted: KubeObject, deletedAt: string): KubeObject {
  const copy = structuredClone(deleted) as KubeObject;
  copy.metadata.deletionTimestamp = deletedAt;
  copy.metadata.deletionGracePeriodSeconds = 0;
  return copy;
}
