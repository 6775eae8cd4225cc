// Pods: everynode makes pods only through DaemonSets, so a POST is refused with a 405 that says
// what to do instead; a bare pod would have no controller to place, restart or remove it.
// Updates are validated against the old pod. A DELETE is graceful (control-plane/deletion):
// the pod turns Terminating and goes once its node reports its containers gone; a pod that
// goes at once is answered as it was, marked with a deletionTimestamp, as Kubernetes answers.

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
