// Server-side apply (`kubectl apply --server-side`, Content-Type application/apply-patch+yaml).
//
// Simplification: everynode keeps no managedFields and so cannot tell which manager owns a
// field or report conflicts. It strategic-merges the applied configuration onto the stored
// object instead: fields the configuration sets win, fields it omits are kept. Removing a
// field therefore takes an explicit `null` or a client-side apply.

import type { KubeObject } from "../../../shared/api-types.js";
import type { ResourceName } from "../kinds/resources.js";
import { clone } from "./json-value.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";

/**
 * The object after applying `applied`: a copy of it when nothing exists yet, otherwise the
 * applied configuration strategic-merged onto `existing`. Inputs are not changed.
 */
export function applyServerSideApply(
  existing: KubeObject | undefined,
  applied: KubeObject,
  resource: ResourceName,
): KubeObject {
  if (existing === undefined) return clone(applied);
  return applyStrategicMergePatch(existing, applied, resource) as KubeObject;
}
