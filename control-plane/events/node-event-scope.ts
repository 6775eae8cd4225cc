// What events a node credential may record: about its own Node, or about a pod bound to it,
// and naming no other host as their source. Without this, one node could fill `kubectl
// describe` of any object with whatever it likes. Pure: the pod lookup is passed in.

import type { KubeEvent, Pod } from "../../shared/api-types.js";

/** Why `nodeName` may not record `event`, or undefined when it may. */
export function nodeEventRefusal(
  event: KubeEvent,
  nodeName: string,
  podNamed: (namespace: string, name: string) => Pod | undefined,
): string | undefined {
  const io = event.involvedObject ?? {};
  const kind = io.kind;
  if (kind === "Node") {
    if (io.name !== nodeName)
      return `a node may record events only about itself, not about node "${String(io.name)}"`;
  } else if (kind === "Pod") {
    const namespace = io.namespace ?? event.metadata.namespace ?? "";
    const name = String(io.name ?? "");
    const pod = podNamed(namespace, name);
    if (!pod || pod.spec.nodeName !== nodeName)
      return `a node may record events only about pods bound to it, not about pod "${namespace}/${name}"`;
    if (io.uid && pod.metadata.uid !== io.uid)
      return `pod "${namespace}/${name}" has another uid than the event's involvedObject`;
  } else {
    return `a node may record events only about its Node and its pods, not about kind ${JSON.stringify(kind)}`;
  }
  for (const [field, host] of [
    ["source.host", event.source?.host],
    ["reportingInstance", event.reportingInstance],
  ] as const) {
    if (host && host !== nodeName) return `${field} must be the node's own name "${nodeName}", not "${host}"`;
  }
  return undefined;
}
