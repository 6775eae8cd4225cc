// control-plane/kube: Kubernetes object semantics, pure (no HTTP, no store). The public
// index: the server and the CLI import what they need from here, never by copying.
// See README.md.

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
  type ResourceInfo,
  type ResourceName,
} from "./kinds/resources.js";
export { resourceInfoOf, resourceTable } from "./kinds/resource-table.js";
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
export { openApiV2Protobuf } from "./schema/openapi-v2-protobuf.js";
