// NodeRestriction, as Kubernetes' admission plugin of that name: what a node may change on
// its own Node, whether through its credential on the API or by registering again with a
// join token. A node reports its status; its identity and placement (the labels the
// DaemonSet controller selects on, its taints, `spec.unschedulable`) are the admin's.
//
// Labels a node may add, change or remove on itself (as Kubernetes lets a kubelet):
//   - keys without a prefix, and prefixes outside the kubernetes.io and k8s.io namespaces
//     (e.g. `example.com/zone`, `zone`);
//   - `kubernetes.io/hostname`, `kubernetes.io/os`, `kubernetes.io/arch`,
//     `node.kubernetes.io/instance-type`, `topology.kubernetes.io/region` and `/zone` and
//     their `beta.kubernetes.io/` and `failure-domain.beta.kubernetes.io/` forms;
//   - keys under `kubelet.kubernetes.io/`, `node.kubernetes.io/` and their subdomains.
// Every other kubernetes.io or k8s.io key is the admin's: `node-role.kubernetes.io/*`,
// `node-restriction.kubernetes.io/*` (meant for exactly this: labels a node cannot forge),
// `kubernetes.io/role` and the rest.

import { isDeepStrictEqual } from "node:util";
import type { Node } from "../../shared/api-types.js";

const KUBELET_LABELS = new Set([
  "kubernetes.io/hostname",
  "kubernetes.io/os",
  "kubernetes.io/arch",
  "beta.kubernetes.io/os",
  "beta.kubernetes.io/arch",
  "beta.kubernetes.io/instance-type",
  "node.kubernetes.io/instance-type",
  "failure-domain.beta.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "topology.kubernetes.io/zone",
]);

const KUBELET_NAMESPACES = ["kubelet.kubernetes.io", "node.kubernetes.io"];
const RESERVED_NAMESPACES = ["kubernetes.io", "k8s.io"];

function inNamespace(prefix: string, namespace: string): boolean {
  return prefix === namespace || prefix.endsWith(`.${namespace}`);
}

/** Whether a node may add, change or remove this label on its own Node. */
export function nodeMaySetLabel(key: string): boolean {
  const slash = key.lastIndexOf("/");
  if (slash < 0) return true;
  const prefix = key.slice(0, slash).toLowerCase();
  if (inNamespace(prefix, "node-restriction.kubernetes.io")) return false;
  if (KUBELET_LABELS.has(key)) return true;
  if (KUBELET_NAMESPACES.some((ns) => inNamespace(prefix, ns))) return true;
  return !RESERVED_NAMESPACES.some((ns) => inNamespace(prefix, ns));
}

/** Label keys whose value differs between the two maps (added, changed or removed), sorted. */
export function changedLabels(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

/** The labels among `keys` that only an admin may set. */
export function forbiddenLabels(keys: readonly string[]): string[] {
  return keys.filter((k) => !nodeMaySetLabel(k));
}

function differing(before: unknown, after: unknown, path: string, skip: readonly string[]): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => !skip.includes(k) && !isDeepStrictEqual(a[k], b[k]))
    .sort()
    .map((k) => `${path}${k}`);
}

/**
 * What a node's write of its own Node would change that a node may not change: the paths
 * (`spec.taints`, `metadata.ownerReferences`, `metadata.labels[node-role.kubernetes.io/x]`),
 * empty when the write is allowed. Only status, annotations (kubelets keep their own there, as
 * Kubernetes' NodeRestriction allows) and the labels `nodeMaySetLabel` allows may differ;
 * `resourceVersion` is the write's precondition, not a change.
 */
export function nodeUpdateViolations(before: Node, after: Node): string[] {
  const labels = forbiddenLabels(changedLabels(before.metadata.labels ?? {}, after.metadata.labels ?? {}));
  return [
    ...differing(before, after, "", ["apiVersion", "kind", "metadata", "spec", "status"]),
    ...differing(before.metadata, after.metadata, "metadata.", ["labels", "annotations", "resourceVersion"]),
    ...labels.map((k) => `metadata.labels[${k}]`),
    ...differing(before.spec, after.spec, "spec.", []),
  ];
}

/** The sentence a refusal gives: what may not change, and who may change it. */
export function nodeRestrictionMessage(nodeName: string, violations: readonly string[]): string {
  return (
    `node "${nodeName}" is not allowed to modify ${violations.join(", ")}: a node may change only its ` +
    `status, its annotations and its own labels outside the kubernetes.io and k8s.io namespaces (node-role and ` +
    `node-restriction labels, taints and spec.unschedulable are the admin's: kubectl label, taint, cordon)`
  );
}
