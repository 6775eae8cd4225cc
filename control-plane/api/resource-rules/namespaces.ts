// Namespaces: the builtin ones always exist and cannot be deleted; deleting another removes
// everything in it (DaemonSets, pods, events, revisions) in one transaction, at once.

import type { KubeObject, Namespace } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import type { ResourceName } from "../../kube/index.js";
import { BUILTIN_NAMESPACES } from "../../kube/index.js";
import type { StoreWriter } from "../../store/store.js";
import { applyNamespaceDefaults } from "../defaults.js";
import { validateNamespace } from "../validation/index.js";
import { markedDeleted, type ResourceRule } from "./rule.js";

/** What a namespace delete removes with it, children before the owners. */
export const NAMESPACE_CONTENTS: ResourceName[] = ["pods", "daemonsets", "controllerrevisions", "events"];

function check(ns: Namespace): Namespace {
  const problems = validateNamespace(ns);
  if (problems.length > 0) throw errors.invalid("Namespace", "", ns.metadata.name ?? "", problems);
  return ns;
}

/** The namespace rule; `list` reads the objects of a type in a namespace. */
export function namespaceRule(
  list: (resource: ResourceName, namespace: string) => KubeObject[],
): ResourceRule {
  return {
    prepareCreate(object: KubeObject): KubeObject {
      return check(applyNamespaceDefaults(object as Namespace));
    },
    prepareUpdate(next: KubeObject): KubeObject {
      return check(applyNamespaceDefaults(next as Namespace));
    },
    checkDelete(object: KubeObject): void {
      const name = object.metadata.name ?? "";
      if (BUILTIN_NAMESPACES.includes(name)) {
        throw errors.forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
      }
    },
    cascadeDelete(tx: StoreWriter, object: KubeObject): void {
      const ns = object.metadata.name ?? "";
      for (const resource of NAMESPACE_CONTENTS) {
        for (const item of list(resource, ns)) {
          const name = item.metadata.name ?? "";
          if (tx.get(resource, ns, name)) tx.delete(resource, ns, name);
        }
      }
    },
    deleteResponse(deleted: KubeObject, deletedAt: string): unknown {
      const copy = markedDeleted(deleted, deletedAt) as Namespace;
      copy.status = { ...(copy.status ?? {}), phase: "Terminating" };
      return copy;
    },
  };
}
