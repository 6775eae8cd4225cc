// The rule of every resource type, assembled over the store it needs to read.

import type { ResourceName } from "../../kube/index.js";
import type { Clock } from "../../../shared/clock.js";
import type { Store } from "../../store/store.js";
import { daemonSetRule } from "./daemonsets.js";
import { eventRule } from "./events.js";
import { namespaceRule } from "./namespaces.js";
import { nodeRule } from "./nodes.js";
import { podRule } from "./pods.js";
import type { ResourceRule } from "./rule.js";
import { controllerRevisionRule } from "./simple.js";

export type { ResourceRule } from "./rule.js";

/** One rule per resource type; the clock is the server's, for timestamps clients send. */
export function buildRules(store: Store, clock: Clock): Record<ResourceName, ResourceRule> {
  return {
    daemonsets: daemonSetRule,
    nodes: nodeRule((node) => store.listPodsOnNode(node)),
    pods: podRule,
    namespaces: namespaceRule((resource, ns) => store.list(resource, ns)),
    events: eventRule(clock),
    controllerrevisions: controllerRevisionRule,
  };
}
