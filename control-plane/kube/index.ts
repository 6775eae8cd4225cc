// control-plane/kube: Kubernetes object semantics, pure (no HTTP, no store). The public
// index: the server and the CLI import what they need from here, never by copying.
// See README.md.

import type { Registry } from "./schema/registry.js";

export {
  ALL_VERBS,
  apiVersionOfKind,
  groupVersionPath,
  type FieldGetter,
  type KindDescription,
  type KindHooks,
  type Overlay,
  type ServedBy,
  type SubresourceDescription,
  type Verb,
} from "./kinds/kind.js";
export { KINDS, REGISTRY } from "./kinds/index.js";
export { BUILTIN_NAMESPACES } from "./kinds/namespace.js";
export {
  ALL_RESOURCES,
  apiVersionOf,
  findResource,
  RESOURCES,
  resourceForKind,
  resourceInfoOf,
  resourceTable,
  type ResourceInfo,
  type ResourceName,
} from "./kinds/resources.js";
export { readPath, selectableFields, type FieldReader } from "./kinds/selectable-fields.js";
export {
  KUBERNETES_DEFINITIONS,
  KUBERNETES_PROVENANCE,
  type Definition,
  type Definitions,
  type GroupVersionKind,
} from "./openapi/definitions.js";
export { buildRegistry, type Registry } from "./schema/registry.js";
export { dropUnknownFields, MAX_DEPTH, unknownFieldsOf, type UnknownFields } from "./schema/known-fields.js";
export { patchSchemaOf, type PatchSchema } from "./schema/patch-rules.js";
export {
  aggregatedDiscovery,
  apiResourceList,
  legacyApiGroupList,
  legacyApiVersions,
} from "./schema/discovery.js";
export { openApiV3Document, openApiV3Index } from "./schema/openapi-v3.js";
export { openApiV2Document, type V2Document } from "./schema/openapi-v2.js";

/**
 * The OpenAPI v2 document as protobuf, encoded once per registry. Asynchronous so that
 * protobufjs loads only when a client first asks (kubectl before 1.29), not in every process
 * that imports this index (the CLI).
 */
export async function openApiV2Protobuf(registry: Registry): Promise<Buffer> {
  const { openApiV2Protobuf: encoded } = await import("./schema/openapi-v2-protobuf.js");
  return encoded(registry);
}

// Object semantics: defaulting, validation, selectors, patching, tables, NodeRestriction and
// the bounds of a JSON value.
export {
  applyDaemonSetDefaults,
  applyNamespaceDefaults,
  applyNodeDefaults,
  applyPodSpecDefaults,
  defaultPullPolicy,
} from "./defaults.js";
export { generateName, NAME_SUFFIX_ALPHABET } from "./generate-name.js";
export * from "./validation/index.js";
export * from "./selectors/index.js";
export * from "./patch/index.js";
export { clone, jsonEqual } from "./patch/json-value.js";
export * from "./tables/index.js";
export {
  changedLabels,
  forbiddenLabels,
  nodeMaySetLabel,
  nodeRestrictionMessage,
  nodeUpdateViolations,
} from "./node-restriction.js";
export {
  DEFAULT_MAX_BODY_BYTES,
  isJsonProblem,
  MAX_JSON_DEPTH,
  measureJson,
  type JsonBounds,
  type JsonMeasure,
  type JsonProblem,
} from "./json-bounds.js";
// What a pod spec refers to (ConfigMaps, Secrets, its ServiceAccount): for delivering them.
export {
  podReferences,
  referencedNames,
  unmetReferences,
  type ObjectReference,
  type PodReferences,
} from "../../shared/pod-references.js";
