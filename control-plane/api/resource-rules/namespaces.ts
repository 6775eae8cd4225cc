// Namespaces: the builtin ones always exist and cannot be deleted. Deleting another is the
// deleter's (control-plane/deletion/namespace-deletion.ts): everything in it is deleted and
// the namespace stays Terminating until nothing is left; the answer is the namespace marked
// Terminating, as Kubernetes answers. spec.finalizers other than `kubernetes` would wait for
// a finalize subresource everynode does not serve: refused (metadata.finalizers hold it).

import type { KubeObject, Namespace } from "../../../shared/api-types.js";
import { errors, fieldError, type FieldError } from "../../../shared/errors.js";
import { BUILTIN_NAMESPACES, type KindDescription, REGISTRY } from "../../kube/index.js";
import { ruleFromHooks } from "./from-hooks.js";
import { markedDeleted, type ResourceRule } from "./rule.js";

/** spec.finalizers may hold only `kubernetes`, the namespace controller's own. */
function specFinalizerErrors(ns: Namespace): FieldError[] {
  const list = ns.spec?.finalizers;
  if (!Array.isArray(list)) return [];
  return list.flatMap((f, i) =>
    f === "kubernetes" ? [] : [fieldError.notSupported(`spec.finalizers[${i}]`, f, ["kubernetes"])],
  );
}

function checked(ns: KubeObject): KubeObject {
  const problems = specFinalizerErrors(ns as Namespace);
  if (problems.length > 0) throw errors.invalid("Namespace", "", ns.metadata.name ?? "", problems);
  return ns;
}

/** The namespace rule. */
export function namespaceRule(): ResourceRule {
  const base = ruleFromHooks(REGISTRY.byResource("namespaces") as KindDescription);
  return {
    ...base,
    prepareCreate: (object) => checked(base.prepareCreate(object)),
    prepareUpdate: (next, old, subresource) => checked(base.prepareUpdate(next, old, subresource)),
    checkDelete(object: KubeObject): void {
      const name = object.metadata.name ?? "";
      if (BUILTIN_NAMESPACES.includes(name)) {
        throw errors.forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
      }
    },
    deleteResponse(deleted: KubeObject, deletedAt: string): unknown {
      const copy = (
        deleted.metadata.deletionTimestamp ? structuredClone(deleted) : markedDeleted(deleted, deletedAt)
      ) as Namespace;
      copy.status = { ...(copy.status ?? {}), phase: "Terminating" };
      return copy;
    },
  };
}
