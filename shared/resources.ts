// The resource types everynode serves. One table, read by the store (as the key of each
// object), the API router, discovery, the OpenAPI documents and the CLI, so that a type is
// added in one place.

export type ResourceName = "nodes" | "pods" | "daemonsets" | "namespaces" | "events" | "controllerrevisions";

export interface ResourceInfo {
  /** Plural, lower case: the URL segment and the store's key. */
  resource: ResourceName;
  singular: string;
  kind: string;
  listKind: string;
  /** "" for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: string[];
}

export const RESOURCES: Record<ResourceName, ResourceInfo> = {
  nodes: {
    resource: "nodes",
    singular: "node",
    kind: "Node",
    listKind: "NodeList",
    group: "",
    version: "v1",
    namespaced: false,
    shortNames: ["no"],
    categories: [],
    subresources: ["status"],
  },
  pods: {
    resource: "pods",
    singular: "pod",
    kind: "Pod",
    listKind: "PodList",
    group: "",
    version: "v1",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    subresources: ["status", "log"],
  },
  namespaces: {
    resource: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    listKind: "NamespaceList",
    group: "",
    version: "v1",
    namespaced: false,
    shortNames: ["ns"],
    categories: [],
    subresources: ["status"],
  },
  events: {
    resource: "events",
    singular: "event",
    kind: "Event",
    listKind: "EventList",
    group: "",
    version: "v1",
    namespaced: true,
    shortNames: ["ev"],
    categories: [],
    subresources: [],
  },
  daemonsets: {
    resource: "daemonsets",
    singular: "daemonset",
    kind: "DaemonSet",
    listKind: "DaemonSetList",
    group: "apps",
    version: "v1",
    namespaced: true,
    shortNames: ["ds"],
    categories: ["all"],
    subresources: ["status"],
  },
  controllerrevisions: {
    resource: "controllerrevisions",
    singular: "controllerrevision",
    kind: "ControllerRevision",
    listKind: "ControllerRevisionList",
    group: "apps",
    version: "v1",
    namespaced: true,
    shortNames: [],
    categories: [],
    subresources: [],
  },
};

export const ALL_RESOURCES: ResourceInfo[] = Object.values(RESOURCES);

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Finds a type by plural, singular, short name or kind (any case), as kubectl accepts. */
export function findResource(word: string): ResourceInfo | undefined {
  const w = word.toLowerCase().split(".")[0] ?? "";
  return ALL_RESOURCES.find(
    (r) => r.resource === w || r.singular === w || r.kind.toLowerCase() === w || r.shortNames.includes(w),
  );
}

export function resourceForKind(kind: string): ResourceInfo | undefined {
  return ALL_RESOURCES.find((r) => r.kind === kind);
}

/** The namespaces that always exist, as in a fresh Kubernetes cluster. */
export const BUILTIN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
