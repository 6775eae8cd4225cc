// metadata.finalizers, as Kubernetes checks them on every write: each a qualified name with
// a domain (`example.com/cleanup`) or one of the standard ones; never both `orphan` and
// `foregroundDeletion`; and no new one once the object is being deleted. everynode honours
// every finalizer: an object that has any is not removed until they are all cleared. Pure.

import type { ObjectMeta } from "../../shared/api-types.js";
import { fieldError, type FieldError } from "../../shared/errors.js";
import { qualifiedNameErrors } from "../kube/index.js";

/** The garbage collector orphans the object's dependents, then removes this finalizer. */
export const ORPHAN_FINALIZER = "orphan";
/** The garbage collector deletes the object's dependents, then removes this finalizer. */
export const FOREGROUND_FINALIZER = "foregroundDeletion";
/** Finalizers without a domain that Kubernetes knows. */
const STANDARD = new Set([ORPHAN_FINALIZER, FOREGROUND_FINALIZER, "kubernetes"]);

const PATH = "metadata.finalizers";

/** The problems of an object's finalizers, and of adding any to an object being deleted. */
export function finalizerErrors(meta: ObjectMeta, old?: ObjectMeta): FieldError[] {
  const list: unknown = meta.finalizers;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return [fieldError.invalid(PATH, list, "must be a list of strings")];
  const errs: FieldError[] = [];
  list.forEach((f: unknown, i) => {
    const path = `${PATH}[${i}]`;
    if (typeof f !== "string") {
      errs.push(fieldError.invalid(path, f, "must be a string"));
      return;
    }
    for (const e of qualifiedNameErrors(f)) errs.push(fieldError.invalid(path, f, e));
    if (!f.includes("/") && !STANDARD.has(f)) {
      errs.push(
        fieldError.forbidden(path, "name is neither a standard finalizer name nor is it fully qualified"),
      );
    }
  });
  if (list.includes(ORPHAN_FINALIZER) && list.includes(FOREGROUND_FINALIZER)) {
    errs.push(
      fieldError.invalid(
        PATH,
        list,
        `finalizer ${ORPHAN_FINALIZER} and ${FOREGROUND_FINALIZER} cannot be both set`,
      ),
    );
  }
  if (old?.deletionTimestamp) {
    const before = new Set(old.finalizers ?? []);
    const added = list.filter((f: unknown) => typeof f === "string" && !before.has(f));
    if (added.length > 0) {
      errs.push(
        fieldError.forbidden(
          PATH,
          `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        ),
      );
    }
  }
  return errs;
}

/** True when the object has finalizers left. */
export function hasFinalizers(meta: ObjectMeta): boolean {
  return (meta.finalizers?.length ?? 0) > 0;
}
