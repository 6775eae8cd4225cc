// The rule of every stored kind, assembled over the store it needs to read: a few kinds have
// rules of their own; any other kind gets the one its kind file's hooks make.

import type { Clock } from "../../../shared/clock.js";
import { REGISTRY, type ResourceName } from "../../kube/index.js";
import type { Store } from "../../store/store.js";
import { daemonSetRule } from "./daemonsets.js";
import { eventRule } from "./events.js";
import { ruleFromHooks } from "./from-hooks.js";
import { namespaceRule } from "./namespaces.js";
import { nodeRule } from "./nodes.js";
import { podRule } from "./pods.js";
import type { ResourceRule } from "./rule.js";
import { controllerRevisionRule } from "./simple.js";

export type { ResourceRule } from "./rule.js";

/** One rule per stored kind; the clock is the server's, for timestamps clients send. */
export function buildRules(_store: Store, clock: Clock): Record<ResourceName, ResourceRule> {
  const own: Partial<Record<ResourceName, ResourceRule>> = {
    daemonsets: daemonSetRule,
    nodes: nodeRule(),
    pods: podRule,
    namespaces: namespaceRule(),
    events: eventRule(clock),
    controllerrevisions: controllerRevisionRule,
  };
  const rules: Partial<Record<ResourceName, ResourceRule>> = {};
  for (const kind of REGISTRY.kinds) {
    if (kind.servedBy !== "store") continue;
    const resource = kind.resource as ResourceName;
    rules[resource] = own[resource] ?? ruleFromHooks(kind);
  }
  return rules as Record<ResourceName, ResourceRule>;
}
