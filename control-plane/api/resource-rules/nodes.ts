// Nodes: defaults and validation (deleting a node removes the pods bound to it in the same
// transaction: control-plane/deletion). A node's own credential gets NodeRestriction.

import type { KubeObject, Node } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import {
  type KindDescription,
  REGISTRY,
  nodeRestrictionMessage,
  nodeUpdateViolations,
} from "../../kube/index.js";
import { ruleFromHooks } from "./from-hooks.js";
import type { ResourceRule } from "./rule.js";

/** The node rule. */
export function nodeRule(): ResourceRule {
  return ruleFromHooks(REGISTRY.byResource("nodes") as KindDescription);
}

/**
 * The node rule for a request made with node `nodeName`'s own credential (NodeRestriction):
 * an update may change only what `nodeUpdateViolations` allows (403 naming the rest), and
 * Nodes are made by registration, not by this credential (server-side apply of a missing
 * Node). `stored` reads the Node as it is at write time: when it moved on since the request
 * read it (an admin tainted it meanwhile), a write that would undo that is a 409, so that a
 * stale patch cannot drop an admin's taint.
 */
export function restrictedToNode(
  rule: ResourceRule,
  nodeName: string,
  stored: () => Node | undefined,
): ResourceRule {
  return {
    ...rule,
    prepareCreate(): KubeObject {
      throw errors.forbidden(
        `nodes "${nodeName}" is forbidden: node "${nodeName}" may not create a Node; agents register with a join token`,
      );
    },
    prepareUpdate(next: KubeObject, old: KubeObject, subresource: string | undefined): KubeObject {
      const prepared = rule.prepareUpdate(next, old, subresource) as Node;
      const violations = nodeUpdateViolations(old as Node, prepared);
      if (violations.length > 0) {
        throw errors.forbidden(
          `nodes "${nodeName}" is forbidden: ${nodeRestrictionMessage(nodeName, violations)}`,
        );
      }
      const now = stored();
      if (
        now &&
        now.metadata.resourceVersion !== old.metadata.resourceVersion &&
        nodeUpdateViolations(now, prepared).length > 0
      ) {
        throw errors.conflict("nodes", nodeName);
      }
      return prepared;
    },
  };
}
