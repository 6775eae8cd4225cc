// The ClusterRoles every cluster starts with, as Kubernetes' RBAC bootstrap makes them, over
// the kinds everynode serves: cluster-admin (everything), admin, edit and view (to bind in a
// namespace with a RoleBinding, or cluster-wide), system:node-proxier and
// system:node-problem-detector (which upstream manifests bind to), and system:monitoring
// (GET /metrics and the health endpoints, for a Prometheus running as a ServiceAccount). Made at startup when
// missing, labelled as Kubernetes labels them; a changed one is left as its owner changed it.

import type { KubeObject } from "../../shared/api-types.js";
import type { Store } from "../store/store.js";
import type { PolicyRule } from "./rbac.js";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const RBAC = "rbac.authorization.k8s.io";

const viewRules: PolicyRule[] = [
  {
    apiGroups: [""],
    resources: [
      "configmaps",
      "events",
      "pods",
      "pods/log",
      "pods/status",
      "serviceaccounts",
      "namespaces",
      "namespaces/status",
    ],
    verbs: READ,
  },
  { apiGroups: ["apps"], resources: ["daemonsets", "daemonsets/status", "controllerrevisions"], verbs: READ },
];

const editRules: PolicyRule[] = [
  ...viewRules,
  { apiGroups: [""], resources: ["configmaps", "secrets", "serviceaccounts"], verbs: WRITE },
  { apiGroups: [""], resources: ["secrets"], verbs: READ },
  { apiGroups: [""], resources: ["pods"], verbs: ["delete", "deletecollection"] },
  { apiGroups: [""], resources: ["pods/eviction", "serviceaccounts/token"], verbs: ["create"] },
  { apiGroups: ["apps"], resources: ["daemonsets"], verbs: WRITE },
];

const adminRules: PolicyRule[] = [
  ...editRules,
  { apiGroups: [RBAC], resources: ["roles", "rolebindings"], verbs: [...READ, ...WRITE] },
];

export const BOOTSTRAP_CLUSTER_ROLES: Record<string, PolicyRule[]> = {
  "cluster-admin": [
    { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
    { nonResourceURLs: ["*"], verbs: ["*"] },
  ],
  admin: adminRules,
  edit: editRules,
  view: viewRules,
  // Two of Kubernetes' built-in roles that upstream manifests bind to without defining them
  // (kubeadm's kube-proxy, node-problem-detector); rules on kinds everynode does not serve
  // (services, endpoints) are kept as upstream has them and grant nothing here.
  "system:node-proxier": [
    { apiGroups: [""], resources: ["endpoints", "services"], verbs: ["list", "watch"] },
    { apiGroups: [""], resources: ["nodes"], verbs: READ },
    { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch", "update"] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
  ],
  "system:node-problem-detector": [
    { apiGroups: [""], resources: ["nodes"], verbs: ["get"] },
    { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch"] },
    { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch", "update"] },
  ],
  "system:monitoring": [
    {
      nonResourceURLs: ["/metrics", "/healthz", "/livez", "/readyz", "/livez/*", "/readyz/*"],
      verbs: ["get"],
    },
  ],
};

export function bootstrapClusterRole(name: string, rules: PolicyRule[]): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "ClusterRole",
    metadata: {
      name,
      labels: { "kubernetes.io/bootstrapping": "rbac-defaults" },
      annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
    },
    rules,
  };
}

/** As in Kubernetes: the group system:masters is cluster-admin (`kubectl --as=x --as-group=system:masters`). */
const MASTERS_BINDING: KubeObject = {
  apiVersion: `${RBAC}/v1`,
  kind: "ClusterRoleBinding",
  metadata: {
    name: "cluster-admin",
    labels: { "kubernetes.io/bootstrapping": "rbac-defaults" },
    annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
  },
  roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "cluster-admin" },
  subjects: [{ apiGroup: RBAC, kind: "Group", name: "system:masters" }],
};

/** Creates the bootstrap ClusterRoles (and the system:masters binding) that are missing, in one transaction. */
export function ensureBootstrapRoles(store: Store): void {
  const missing = Object.entries(BOOTSTRAP_CLUSTER_ROLES).filter(
    ([name]) => !store.get("clusterroles", undefined, name),
  );
  const bindingMissing = !store.get("clusterrolebindings", undefined, "cluster-admin");
  if (missing.length === 0 && !bindingMissing) return;
  store.transaction((tx) => {
    for (const [name, rules] of missing) tx.create("clusterroles", bootstrapClusterRole(name, rules));
    if (bindingMissing) tx.create("clusterrolebindings", MASTERS_BINDING);
  });
}
