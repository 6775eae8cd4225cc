// v1 Pod: made only by the DaemonSet controller (a POST is refused); after that, users may
// change labels, annotations and add tolerations, the agent reports the status.

import type { Pod } from "../../../shared/api-types.js";
import { podPrinter } from "../tables/pod-printer.js";
import { validatePod, validatePodUpdate } from "../validation/index.js";
import { ALL_VERBS, defineKind, EVICTION, LOG, STATUS } from "./kind.js";

function podIP(pod: Pod): unknown {
  return pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
}

export const podKind = defineKind({
  group: "",
  version: "v1",
  kind: "Pod",
  listKind: "PodList",
  resource: "pods",
  singular: "pod",
  namespaced: true,
  shortNames: ["po"],
  categories: ["all"],
  verbs: ALL_VERBS,
  subresources: [STATUS, LOG, EVICTION],
  servedBy: "store",
  definition: "io.k8s.api.core.v1.Pod",
  // The whole spec, except that tolerations may be added (validatePodUpdate).
  immutable: ["spec"],
  fieldSelectors: {
    "spec.nodeName": "spec.nodeName",
    "spec.restartPolicy": "spec.restartPolicy",
    "spec.schedulerName": "spec.schedulerName",
    "spec.serviceAccountName": "spec.serviceAccountName",
    "status.phase": "status.phase",
    "status.podIP": (pod) => podIP(pod as Pod),
    "status.nominatedNodeName": "status.nominatedNodeName",
  },
  hooks: {
    validate: (o, old) => (old ? validatePodUpdate(o as Pod, old as Pod) : validatePod(o as Pod)),
    printer: podPrinter,
  },
});
