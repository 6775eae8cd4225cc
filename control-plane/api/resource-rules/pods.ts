// Pods: everynode makes pods only through DaemonSets, so a POST is refused with a 405 that says
// what to do instead; a bare pod would have no controller to place, restart or remove it.
// Updates are validated against the old pod. A DELETE removes the pod at once (the agent
// stops the containers gracefully, the DaemonSet controller makes a replacement) and answers
// with the pod as it was, marked with a deletionTimestamp, as Kubernetes answers a pod delete.

import type { KubeObject } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import { type KindDescription, REGISTRY } from "../../kube/index.js";
import { ruleFromHooks } from "./from-hooks.js";
import { markedDeleted, type ResourceRule } from "./rule.js";

/** The 405 message for POST /pods. */
export const POD_CREATE_REFUSED = "everynode runs only DaemonSet pods: create a DaemonSet instead";

export const podRule: ResourceRule = {
  ...ruleFromHooks(REGISTRY.byResource("pods") as KindDescription),
  refused: { create: POD_CREATE_REFUSED },
  prepareCreate(): KubeObject {
    throw errors.badRequest(POD_CREATE_REFUSED);
  },
  deleteResponse: markedDeleted,
};
