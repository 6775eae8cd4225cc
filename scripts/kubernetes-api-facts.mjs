// Facts about the Kubernetes API that the typed client (@kubernetes/client-node) does not
// carry, written by everynode for scripts/vendor-kubernetes-openapi.mjs: which API group each
// type is in, the strategic merge and server-side apply metadata of lists, maps and structs,
// which fields are Quantities, and the few definitions the client has no model for. Names are
// relative to `io.k8s.api.` (`core.v1.PodSpec`) or `io.k8s.apimachinery.pkg.` (`apis.meta.v1.…`).

export const CORE = "core.v1";
export const META = "apis.meta.v1";

/** The API group of each Go package, as `x-kubernetes-group-version-kind` names it. */
export const API_GROUPS = {
  core: "",
  apps: "apps",
  authentication: "authentication.k8s.io",
  authorization: "authorization.k8s.io",
  coordination: "coordination.k8s.io",
  policy: "policy",
  rbac: "rbac.authorization.k8s.io",
};

/**
 * The package of the client's unprefixed `V1<Type>` models outside core/v1 (the client
 * prefixes a name with its group only where two groups share it: `RbacV1Subject`).
 */
export const PACKAGES = {
  "apps.v1": [
    "ControllerRevision",
    "ControllerRevisionList",
    "DaemonSet",
    "DaemonSetCondition",
    "DaemonSetList",
    "DaemonSetSpec",
    "DaemonSetStatus",
    "DaemonSetUpdateStrategy",
    "RollingUpdateDaemonSet",
  ],
  "authentication.v1": ["BoundObjectReference", "TokenRequestSpec", "TokenRequestStatus"],
  "authorization.v1": [
    "FieldSelectorAttributes",
    "LabelSelectorAttributes",
    "NonResourceAttributes",
    "NonResourceRule",
    "ResourceAttributes",
    "ResourceRule",
    "SelfSubjectAccessReview",
    "SelfSubjectAccessReviewSpec",
    "SelfSubjectRulesReview",
    "SelfSubjectRulesReviewSpec",
    "SubjectAccessReview",
    "SubjectAccessReviewSpec",
    "SubjectAccessReviewStatus",
    "SubjectRulesReviewStatus",
  ],
  "coordination.v1": ["Lease", "LeaseList", "LeaseSpec"],
  "policy.v1": ["Eviction"],
  "rbac.v1": [
    "AggregationRule",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "ClusterRoleList",
    "PolicyRule",
    "Role",
    "RoleBinding",
    "RoleBindingList",
    "RoleList",
    "RoleRef",
  ],
  [META]: [
    "DeleteOptions",
    "FieldSelectorRequirement",
    "LabelSelector",
    "LabelSelectorRequirement",
    "ListMeta",
    "ManagedFieldsEntry",
    "MicroTime",
    "ObjectMeta",
    "OwnerReference",
    "Preconditions",
    "Status",
    "StatusCause",
    "StatusDetails",
  ],
};

/** core/v1 types that only another group's kinds reach (the vendoring script checks the rest). */
export const CORE_USED_ELSEWHERE = ["PodTemplateSpec"];

// The definitions the client has no model for: it writes Time as Date, MicroTime, IntOrString
// and Quantity as scalars, and FieldsV1 and RawExtension as `any`. The descriptions are ours.
export const SCALARS = {
  [`${META}.Time`]: {
    type: "string",
    format: "date-time",
    description: "A timestamp in RFC 3339 form, to the second (meta/v1 Time).",
  },
  [`${META}.MicroTime`]: { type: "string", format: "date-time" },
  "util.intstr.IntOrString": { type: "string", format: "int-or-string" },
  "api.resource.Quantity": {
    type: "string",
    description:
      'A fixed-point number, written as a string with an optional SI or binary suffix ("100m", "1.5Gi", "2") or as a number (resource.Quantity).',
  },
  [`${META}.FieldsV1`]: {
    type: "object",
    description:
      "The set of fields a manager owns, as a trie of `f:<name>`, `k:<keys>`, `v:<value>` and `i:<index>` keys (sigs.k8s.io/structured-merge-diff).",
  },
  "runtime.RawExtension": {
    type: "object",
    description: "An embedded object of any kind, kept as its JSON (runtime.RawExtension).",
  },
  [`${META}.Patch`]: {
    type: "object",
    description:
      "The body of a PATCH request: a JSON patch, merge patch, strategic merge patch or apply configuration.",
  },
};

/** Fields the client types as string or map of strings (Quantity) or `any` (the others). */
export const NAMED_FIELD_TYPES = {
  "api.resource.Quantity": [
    "core.v1.ContainerStatus.allocatedResources{}",
    "core.v1.EmptyDirVolumeSource.sizeLimit",
    "core.v1.NodeStatus.allocatable{}",
    "core.v1.NodeStatus.capacity{}",
    "core.v1.PodSpec.overhead{}",
    "core.v1.ResourceFieldSelector.divisor",
    "core.v1.ResourceRequirements.limits{}",
    "core.v1.ResourceRequirements.requests{}",
    "core.v1.VolumeResourceRequirements.limits{}",
    "core.v1.VolumeResourceRequirements.requests{}",
  ],
  [`${META}.FieldsV1`]: [`${META}.ManagedFieldsEntry.fieldsV1`],
  "runtime.RawExtension": ["apps.v1.ControllerRevision.data"],
};

const ATOMIC = { "x-kubernetes-list-type": "atomic" };
const SET = { "x-kubernetes-list-type": "set" };
const MERGED_SET = { ...SET, "x-kubernetes-patch-strategy": "merge" };
/** A list of objects keyed by `keys`: a map list for apply, merged by the first key for SMP. */
const byKeys = (keys, strategy = "merge") => ({
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": keys,
  "x-kubernetes-patch-merge-key": keys[0],
  "x-kubernetes-patch-strategy": strategy,
});
const BY_NAME = byKeys(["name"]);
const BY_TYPE = byKeys(["type"]);
const APPLY_MAP_ONLY = (keys) => ({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": keys });

const containerLists = {
  env: BY_NAME,
  ports: { ...byKeys(["containerPort", "protocol"]) },
  volumeDevices: byKeys(["devicePath"]),
  volumeMounts: byKeys(["mountPath"]),
};

/** Per definition, per property: the list, map and patch metadata of Kubernetes' Go types. */
export const FIELD_EXTENSIONS = {
  "apps.v1.DaemonSetStatus": { conditions: BY_TYPE },
  "core.v1.Container": containerLists,
  "core.v1.ContainerStatus": { allocatedResourcesStatus: BY_NAME, volumeMounts: byKeys(["mountPath"]) },
  "core.v1.EphemeralContainer": containerLists,
  "core.v1.NamespaceStatus": { conditions: BY_TYPE },
  "core.v1.NodeSpec": { podCIDRs: MERGED_SET },
  "core.v1.NodeStatus": { addresses: BY_TYPE, conditions: BY_TYPE },
  "core.v1.PodSpec": {
    containers: BY_NAME,
    ephemeralContainers: BY_NAME,
    hostAliases: byKeys(["ip"]),
    imagePullSecrets: BY_NAME,
    initContainers: BY_NAME,
    nodeSelector: { "x-kubernetes-map-type": "atomic" },
    resourceClaims: byKeys(["name"], "merge,retainKeys"),
    schedulingGates: BY_NAME,
    topologySpreadConstraints: byKeys(["topologyKey", "whenUnsatisfiable"]),
    volumes: byKeys(["name"], "merge,retainKeys"),
  },
  "core.v1.PodStatus": {
    conditions: BY_TYPE,
    // Merged by ip for a strategic merge patch, yet atomic for apply: as upstream tags it.
    hostIPs: { ...ATOMIC, "x-kubernetes-patch-merge-key": "ip", "x-kubernetes-patch-strategy": "merge" },
    podIPs: byKeys(["ip"]),
    resourceClaimStatuses: byKeys(["name"], "merge,retainKeys"),
  },
  "core.v1.ResourceRequirements": { claims: APPLY_MAP_ONLY(["name"]) },
  "core.v1.ResourceStatus": { resources: APPLY_MAP_ONLY(["resourceID"]) },
  "core.v1.ServiceAccount": { secrets: BY_NAME },
  [`${META}.ObjectMeta`]: { finalizers: MERGED_SET, ownerReferences: byKeys(["uid"]) },
};

/** Lists replaced whole by apply (`+listType=atomic`), per definition. */
export const ATOMIC_LISTS = {
  "authentication.v1.TokenRequestSpec": ["audiences"],
  "authorization.v1.FieldSelectorAttributes": ["requirements"],
  "authorization.v1.LabelSelectorAttributes": ["requirements"],
  "authorization.v1.NonResourceRule": ["nonResourceURLs", "verbs"],
  "authorization.v1.ResourceRule": ["apiGroups", "resourceNames", "resources", "verbs"],
  "authorization.v1.SubjectAccessReviewSpec": ["groups"],
  "authorization.v1.SubjectRulesReviewStatus": ["nonResourceRules", "resourceRules"],
  "core.v1.Capabilities": ["add", "drop"],
  "core.v1.CephFSVolumeSource": ["monitors"],
  "core.v1.ConfigMapProjection": ["items"],
  "core.v1.ConfigMapVolumeSource": ["items"],
  "core.v1.Container": ["args", "command", "envFrom", "resizePolicy"],
  "core.v1.ContainerImage": ["names"],
  "core.v1.DownwardAPIProjection": ["items"],
  "core.v1.DownwardAPIVolumeSource": ["items"],
  "core.v1.EphemeralContainer": ["args", "command", "envFrom", "resizePolicy"],
  "core.v1.ExecAction": ["command"],
  "core.v1.FCVolumeSource": ["targetWWNs", "wwids"],
  "core.v1.HTTPGetAction": ["httpHeaders"],
  "core.v1.HostAlias": ["hostnames"],
  "core.v1.ISCSIVolumeSource": ["portals"],
  "core.v1.LinuxContainerUser": ["supplementalGroups"],
  "core.v1.NamespaceSpec": ["finalizers"],
  "core.v1.NodeAffinity": ["preferredDuringSchedulingIgnoredDuringExecution"],
  "core.v1.NodeSelector": ["nodeSelectorTerms"],
  "core.v1.NodeSelectorRequirement": ["values"],
  "core.v1.NodeSelectorTerm": ["matchExpressions", "matchFields"],
  "core.v1.NodeSpec": ["taints"],
  "core.v1.NodeStatus": ["images", "runtimeHandlers", "volumesAttached", "volumesInUse"],
  "core.v1.PersistentVolumeClaimSpec": ["accessModes"],
  "core.v1.PodAffinity": [
    "preferredDuringSchedulingIgnoredDuringExecution",
    "requiredDuringSchedulingIgnoredDuringExecution",
  ],
  "core.v1.PodAffinityTerm": ["matchLabelKeys", "mismatchLabelKeys", "namespaces"],
  "core.v1.PodAntiAffinity": [
    "preferredDuringSchedulingIgnoredDuringExecution",
    "requiredDuringSchedulingIgnoredDuringExecution",
  ],
  "core.v1.PodDNSConfig": ["nameservers", "options", "searches"],
  "core.v1.PodSecurityContext": ["supplementalGroups", "sysctls"],
  "core.v1.PodSpec": ["readinessGates", "tolerations"],
  "core.v1.PodStatus": ["containerStatuses", "ephemeralContainerStatuses", "initContainerStatuses"],
  "core.v1.ProjectedVolumeSource": ["sources"],
  "core.v1.RBDVolumeSource": ["monitors"],
  "core.v1.SecretProjection": ["items"],
  "core.v1.SecretVolumeSource": ["items"],
  "core.v1.ServiceAccount": ["imagePullSecrets"],
  "core.v1.TopologySpreadConstraint": ["matchLabelKeys"],
  "rbac.v1.AggregationRule": ["clusterRoleSelectors"],
  "rbac.v1.ClusterRole": ["rules"],
  "rbac.v1.ClusterRoleBinding": ["subjects"],
  "rbac.v1.PolicyRule": ["apiGroups", "nonResourceURLs", "resourceNames", "resources", "verbs"],
  "rbac.v1.Role": ["rules"],
  "rbac.v1.RoleBinding": ["subjects"],
  [`${META}.DeleteOptions`]: ["dryRun"],
  [`${META}.FieldSelectorRequirement`]: ["values"],
  [`${META}.LabelSelector`]: ["matchExpressions"],
  [`${META}.LabelSelectorRequirement`]: ["values"],
  [`${META}.ObjectMeta`]: ["managedFields"],
  [`${META}.StatusDetails`]: ["causes"],
};

/** Structs apply replaces whole (`+structType=atomic`). */
export const ATOMIC_STRUCTS = [
  "core.v1.ConfigMapKeySelector",
  "core.v1.LocalObjectReference",
  "core.v1.NodeSelector",
  "core.v1.NodeSelectorTerm",
  "core.v1.ObjectFieldSelector",
  "core.v1.ObjectReference",
  "core.v1.ResourceFieldSelector",
  "core.v1.SecretKeySelector",
  "core.v1.TypedLocalObjectReference",
  "rbac.v1.RoleRef",
  "rbac.v1.Subject",
  `${META}.LabelSelector`,
  `${META}.OwnerReference`,
];

/** Discriminated unions (`x-kubernetes-unions`), per definition. */
export const UNIONS = {
  "core.v1.AppArmorProfile": [
    { discriminator: "type", "fields-to-discriminateBy": { localhostProfile: "LocalhostProfile" } },
  ],
  "core.v1.SeccompProfile": [
    { discriminator: "type", "fields-to-discriminateBy": { localhostProfile: "LocalhostProfile" } },
  ],
};
