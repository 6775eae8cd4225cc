// Nodes: defaults and validation; deleting a node removes the pods bound to it in the same
// transaction (its agent then stops their containers; its credentials are revoked by whoever
// watches node deletes).

import type { KubeObject, Node, Pod } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import type { StoreWriter } from "../../store/store.js";
import { applyNodeDefaults } from "../defaults.js";
import { validateNode } from "../validation/index.js";
import type { ResourceRule } from "./rule.js";

function check(node: Node, old?: Node): Node {
  const problems = validateNode(node, old);
  if (problems.length > 0) throw errors.invalid("Node", "", node.metadata.name ?? "", problems);
  return node;
}

/** The node rule; `podsOnNode` comes from the store's index. */
export function nodeRule(podsOnNode: (nodeName: string) => Pod[]): ResourceRule {
  return {
    prepareCreate(object: KubeObject): KubeObject {
      return check(applyNodeDefaults(object as Node));
    },
    prepareUpdate(next: KubeObject, old: KubeObject): KubeObject {
      return check(applyNodeDefaults(next as Node), old as Node);
    },
    cascadeDelete(tx: StoreWriter, object: KubeObject): void {
      for (const pod of podsOnNode(object.metadata.name ?? "")) {
        if (tx.get("pods", pod.metadata.namespace, pod.metadata.name ?? "")) {
          tx.delete("pods", pod.metadata.namespace, pod.metadata.name ?? "");
        }
      }
    },
  };
}
