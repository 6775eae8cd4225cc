// Namespaces: the builtin ones always exist and cannot be deleted; deleting another removes
// everything in it (pods, events, DaemonSets, revisions: every namespaced kind) in one
// transaction, at once.

import type { KubeObject, Namespace } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import {
  BUILTIN_NAMESPACES,
  type KindDescription,
  REGISTRY,
  RESOURCES,
  type ResourceName,
} from "../../kube/index.js";
import type { StoreWriter } from "../../store/store.js";
import { ruleFromHooks } from "./from-hooks.js";
import { markedDeleted, type ResourceRule } from "./rule.js";

/** What a namespace delete removes with it: every namespaced stored kind, in registry order. */
export const NAMESPACE_CONTENTS: ResourceName[] = Object.values(RESOURCES)
  .filter((r) => r.namespaced)
  .map((r) => r.resource);

/** The namespace rule; `list` reads the objects of a type in a namespace. */
export function namespaceRule(
  list: (resource: ResourceName, namespace: string) => KubeObject[],
): ResourceRule {
  return {
    ...ruleFromHooks(REGISTRY.byResource("namespaces") as KindDescription),
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
