// Builds the pod object the DaemonSet controller creates for one node: the template, bound
// to the node, labelled with the template version, owned by the DaemonSet.

import type {
  Affinity,
  Container,
  DaemonSet,
  Pod,
  PodCondition,
  PodSpec,
  PodTemplateSpec,
} from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { daemonPodTolerations } from "./eligibility.js";
import { controllerReferenceTo, GENERATION_LABEL, HASH_LABEL } from "./pod-utils.js";

/** The QoS class Kubernetes derives from the containers' cpu and memory requests and limits. */
export function qosClassOf(spec: PodSpec): "Guaranteed" | "Burstable" | "BestEffort" {
  const containers: Container[] = [...(spec.initContainers ?? []), ...spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? {};
    for (const r of ["cpu", "memory"]) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit !== undefined || request !== undefined) any = true;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** The template's affinity with the required node affinity pinned to one node by name. */
function pinnedAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const result: Affinity = structuredClone(affinity ?? {});
  result.nodeAffinity = {
    ...result.nodeAffinity,
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
    },
  };
  return result;
}

/**
 * The daemon pod for `nodeName`: generateName `<ds>-` (the store fills the name), the
 * template's labels plus controller-revision-hash and pod-template-generation, the default
 * daemon tolerations, the required node affinity replaced by the node's name, bound to the
 * node, status Pending and scheduled. `now` stamps the PodScheduled condition. `template`:
 * another revision's template (the stable one, for a held-back node).
 */
export function newDaemonPod(
  ds: DaemonSet,
  nodeName: string,
  hash: string,
  templateGeneration: number,
  now?: number,
  template: PodTemplateSpec = ds.spec.template,
): Pod {
  // A new shell over the template's parts: the store copies what is not frozen and shares
  // what is (a stored DaemonSet's template), so 10,000 pods do not make 10,000 deep copies.
  const spec: PodSpec = { ...template.spec };
  spec.nodeName = nodeName;
  spec.tolerations = daemonPodTolerations(template.spec);
  spec.affinity = pinnedAffinity(template.spec.affinity, nodeName);

  const scheduled: PodCondition = { type: "PodScheduled", status: "True" };
  if (now !== undefined) scheduled.lastTransitionTime = rfc3339(now);

  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${ds.metadata.name ?? "daemonset"}-`,
      labels: {
        ...template.metadata?.labels,
        [HASH_LABEL]: hash,
        [GENERATION_LABEL]: String(templateGeneration),
      },
      ownerReferences: [controllerReferenceTo(ds)],
    },
    spec,
    status: { phase: "Pending", conditions: [scheduled], qosClass: qosClassOf(spec) },
  };
  if (ds.metadata.namespace) pod.metadata.namespace = ds.metadata.namespace;
  const annotations = template.metadata?.annotations;
  if (annotations && Object.keys(annotations).length > 0) pod.metadata.annotations = { ...annotations };
  return pod;
}
