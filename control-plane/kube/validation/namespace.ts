// v1 Namespace: a DNS-1123 label name (it becomes part of other objects' paths).

import type { Namespace } from "../../../shared/api-types.js";
import type { FieldError } from "../../../shared/errors.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./metadata.js";

/** Validates a Namespace; with `old`, also that its name did not change. */
export function validateNamespace(ns: Namespace, old?: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameRule: "label" });
  if (old) errs.push(...validateObjectMetaUpdate(ns.metadata, old.metadata));
  return errs;
}
