// Whether a node may have a token for a pod, and whether the pod gets one: only for a pod
// bound to that very node (the one it names, with the same uid, not terminating), and not
// when `automountServiceAccountToken` is false (the pod's setting wins over its
// ServiceAccount's); a projected serviceAccountToken source gets its token whatever that
// setting, for the audience and life the pod's spec names and no other. A missing
// ServiceAccount keeps the pod waiting, as on Kubernetes. Pure.

import type { Pod } from "../../shared/api-types.js";
import type { ServiceAccount } from "../../shared/config-types.js";
import type { PodTokenRequest } from "../../shared/protocol.js";

export type PodTokenDecision =
  { kind: "refuse"; code: "Forbidden" | "NotFound"; message: string } | { kind: "none" } | { kind: "issue" };

/** The ServiceAccount a pod runs as. */
export function serviceAccountOf(pod: Pod): string {
  const spec = pod.spec as { serviceAccountName?: string; serviceAccount?: string };
  return spec.serviceAccountName || spec.serviceAccount || "default";
}

/** The pod's projected serviceAccountToken sources. */
function projectedSources(pod: Pod): { audience?: string; expirationSeconds?: number }[] {
  return (pod.spec.volumes ?? []).flatMap((v) =>
    (
      (
        v.projected as {
          sources?: { serviceAccountToken?: { audience?: string; expirationSeconds?: number } }[];
        }
      )?.sources ?? []
    ).flatMap((s) => (s.serviceAccountToken ? [s.serviceAccountToken] : [])),
  );
}

export function decidePodToken(
  nodeName: string,
  request: PodTokenRequest,
  pod: Pod | undefined,
  serviceAccount: ServiceAccount | undefined,
): PodTokenDecision {
  if (!pod || pod.metadata.uid !== request.uid)
    return { kind: "refuse", code: "NotFound", message: `pods "${request.name}" not found` };
  if (pod.spec.nodeName !== nodeName)
    return {
      kind: "refuse",
      code: "Forbidden",
      message: `node "${nodeName}" may have tokens only for pods bound to it, not for ${request.namespace}/${request.name}`,
    };
  if (pod.metadata.deletionTimestamp)
    return {
      kind: "refuse",
      code: "Forbidden",
      message: `pod ${request.namespace}/${request.name} is terminating`,
    };
  if (request.projected) {
    // Only the tokens the pod's spec asks for: a node may not mint other audiences or lives.
    const asked = projectedSources(pod).some(
      (s) =>
        (s.audience ?? "") === (request.audience ?? "") &&
        (s.expirationSeconds ?? 3600) === request.expirationSeconds,
    );
    if (!asked)
      return {
        kind: "refuse",
        code: "Forbidden",
        message: `pod ${request.namespace}/${request.name} has no serviceAccountToken source with that audience and expirationSeconds`,
      };
    if (!serviceAccount)
      return {
        kind: "refuse",
        code: "NotFound",
        message: `serviceaccounts "${serviceAccountOf(pod)}" not found`,
      };
    return { kind: "issue" };
  }
  const podSays = (pod.spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken;
  if (podSays === false) return { kind: "none" };
  if (!serviceAccount)
    return {
      kind: "refuse",
      code: "NotFound",
      message: `serviceaccounts "${serviceAccountOf(pod)}" not found`,
    };
  if (podSays === undefined && serviceAccount.automountServiceAccountToken === false) return { kind: "none" };
  return { kind: "issue" };
}
