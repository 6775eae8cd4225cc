// Namespaces: the builtin ones always exist and cannot be deleted. Deleting another is the
// deleter's (control-plane/deletion/namespace-deletion.ts): everything in it is deleted and
// the namespace stays Terminating until nothing is left; the answer is the namespace marked
// Terminating, as Kubernetes answers.

import type { KubeObject, Namespace } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import { BUILTIN_NAMESPACES, type KindDescription, REGISTRY } from "../../kube/index.js";
import { ruleFromHooks } from "./from-hooks.js";
import { markedDeleted, type ResourceRule } from "./rule.js";

/** The namespace rule. */
export function namespaceRule(): ResourceRule {
  return {
    ...ruleFromHooks(REGISTRY.byResource("namespaces") as KindDescription),
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
