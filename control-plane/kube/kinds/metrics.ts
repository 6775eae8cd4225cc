// metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics: what `kubectl top` reads, as
// metrics-server serves them, made on request from the usage the agents sample
// (control-plane/metrics/metrics-api-router.ts, a router of its own; nothing is stored).
// Read-only: get and list. Published in discovery and OpenAPI although served by a router:
// kubectl top checks discovery for the group before it asks. The schema is upstream's
// (k8s.io/metrics), written here in the shape of the vendored definitions.

import type { Definition } from "../openapi/definitions.js";
import { META_V1, ref } from "../openapi/definitions.js";
import { defineKind } from "./kind.js";

const GV = { group: "metrics.k8s.io", version: "v1beta1" };
const PREFIX = "io.k8s.metrics.pkg.apis.metrics.v1beta1";
const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const str = (description: string): Definition => ({ type: "string", description });

const typeMeta = {
  apiVersion: str("APIVersion defines the versioned schema of this representation of an object."),
  kind: str("Kind is a string value representing the REST resource this object represents."),
};
const usage: Definition = {
  type: "object",
  description: "The resource usage: cpu (cores) and memory (the working set, bytes).",
  additionalProperties: ref(QUANTITY),
};
const sample = {
  timestamp: {
    ...ref(`${META_V1}.Time`),
    description: "The end of the window the usage was measured over.",
  },
  window: str("The window's length, as a duration (15s)."),
};

function list(kind: string, description: string): Definition {
  return {
    description,
    type: "object",
    required: ["items"],
    properties: {
      ...typeMeta,
      metadata: ref(`${META_V1}.ListMeta`),
      items: { type: "array", items: ref(`${PREFIX}.${kind}`) },
    },
    "x-kubernetes-group-version-kind": [{ ...GV, kind: `${kind}List` }],
  };
}

const definitions: Record<string, Definition> = {
  [`${PREFIX}.NodeMetrics`]: {
    description: "The resource usage of a node (the whole host).",
    type: "object",
    properties: { ...typeMeta, metadata: ref(`${META_V1}.ObjectMeta`), ...sample, usage },
    "x-kubernetes-group-version-kind": [{ ...GV, kind: "NodeMetrics" }],
  },
  [`${PREFIX}.NodeMetricsList`]: list("NodeMetrics", "A list of node metrics."),
  [`${PREFIX}.PodMetrics`]: {
    description: "The resource usage of a pod's containers.",
    type: "object",
    properties: {
      ...typeMeta,
      metadata: ref(`${META_V1}.ObjectMeta`),
      ...sample,
      containers: { type: "array", items: ref(`${PREFIX}.ContainerMetrics`) },
    },
    "x-kubernetes-group-version-kind": [{ ...GV, kind: "PodMetrics" }],
  },
  [`${PREFIX}.ContainerMetrics`]: {
    description: "The resource usage of one container.",
    type: "object",
    required: ["name", "usage"],
    properties: { name: str("The container's name."), usage },
  },
  [`${PREFIX}.PodMetricsList`]: list("PodMetrics", "A list of pod metrics."),
};

const common = {
  ...GV,
  shortNames: [],
  categories: [],
  verbs: ["get", "list"],
  subresources: [],
  servedBy: "router",
  published: true,
  definitions,
  immutable: [],
  fieldSelectors: {},
  hooks: {},
} as const;

export const nodeMetricsKind = defineKind({
  ...common,
  kind: "NodeMetrics",
  listKind: "NodeMetricsList",
  resource: "nodes",
  singular: "",
  namespaced: false,
  definition: `${PREFIX}.NodeMetrics`,
});

export const podMetricsKind = defineKind({
  ...common,
  kind: "PodMetrics",
  listKind: "PodMetricsList",
  resource: "pods",
  singular: "",
  namespaced: true,
  definition: `${PREFIX}.PodMetrics`,
});
