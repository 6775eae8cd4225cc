// Events: validated like every object (validation/event.ts), whoever writes them; with a
// node's own credential, only events about that node and the pods bound to it
// (events/node-event-scope.ts), as the request context wraps the rule (restrictedEvents).

import type { KubeEvent, KubeObject, Pod } from "../../../shared/api-types.js";
import type { Clock } from "../../../shared/clock.js";
import { errors } from "../../../shared/errors.js";
import { nodeEventRefusal } from "../../events/node-event-scope.js";
import { validateEvent } from "../../kube/index.js";
import type { ResourceRule } from "./rule.js";

function check(event: KubeEvent, now: number, old?: KubeEvent): KubeEvent {
  const problems = validateEvent(event, now, old);
  if (problems.length > 0) throw errors.invalid("Event", "", event.metadata.name ?? "", problems);
  return event;
}

/** The event rule; the clock is the server's, for the timestamps clients send. */
export function eventRule(clock: Clock): ResourceRule {
  return {
    prepareCreate: (object: KubeObject) => check(object as KubeEvent, clock.now()),
    prepareUpdate: (next: KubeObject, old: KubeObject) =>
      check(next as KubeEvent, clock.now(), old as KubeEvent),
  };
}

/**
 * The event rule for a request made with node `nodeName`'s own credential: after the usual
 * validation, a 403 for an event about anything but the node itself and the pods bound to
 * it (`podNamed` reads the store), or naming another host as its source.
 */
export function restrictedEvents(
  rule: ResourceRule,
  nodeName: string,
  podNamed: (namespace: string, name: string) => Pod | undefined,
): ResourceRule {
  return {
    ...rule,
    prepareCreate(object: KubeObject): KubeObject {
      const event = rule.prepareCreate(object) as KubeEvent;
      const why = nodeEventRefusal(event, nodeName, podNamed);
      if (why) {
        throw errors.forbidden(
          `events "${event.metadata.name ?? ""}" is forbidden: User "system:node:${nodeName}" cannot create this event: ${why}`,
        );
      }
      return event;
    },
  };
}
