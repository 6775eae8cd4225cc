// The image pull Secrets of the pods a DaemonSet makes: the template's own, or when it names
// none, those of the pods' ServiceAccount, as Kubernetes' ServiceAccount admission adds them
// when a pod is created (a later change of the ServiceAccount reaches new pods only). Pure
// but for the read it is given.

import type { Pod, PodSpec } from "../../shared/api-types.js";
import type { ServiceAccount } from "../../shared/config-types.js";

/** Reads one ServiceAccount (the store's or a transaction's `get`). */
export type AccountReader = (namespace: string, name: string) => ServiceAccount | undefined;

/** The names of the pull Secrets pods made from `spec` in `namespace` use. */
export function pullSecretNames(spec: PodSpec | undefined, namespace: string, read: AccountReader): string[] {
  const own = (spec?.imagePullSecrets ?? []).flatMap((r) => (r.name ? [r.name] : []));
  if (own.length > 0) return own;
  const account = read(namespace, spec?.serviceAccountName || "default");
  return (account?.imagePullSecrets ?? []).flatMap((r) => (r.name ? [r.name] : []));
}

/** `pod` (a new one, its spec its own) with its ServiceAccount's pull Secrets when it names none. */
export function withAccountPullSecrets(pod: Pod, read: AccountReader): Pod {
  if ((pod.spec.imagePullSecrets ?? []).length > 0) return pod;
  const names = pullSecretNames(pod.spec, pod.metadata.namespace ?? "default", read);
  if (names.length > 0) pod.spec.imagePullSecrets = names.map((name) => ({ name }));
  return pod;
}
