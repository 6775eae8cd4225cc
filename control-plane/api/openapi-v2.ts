// OpenAPI v2 for kubectl clients older than 1.29 (and the apply patch step of newer ones). They
// GET /openapi/v2 (or /swagger-2.0.0.pb-v1) as protobuf (gnostic's openapi.v2.Document):
// - for client-side validation (kubectl 1.20; and 1.27/1.28, unless the PATCH operation of the
//   kind lists a `fieldValidation` parameter, which it does here, so they validate server-side
//   with `fieldValidation=Strict`, like 1.29+);
// - for apply's patch: from 1.27 on, a PATCH operation whose `consumes` lacks strategic-merge-patch
//   makes kubectl compute the strategic merge patch from its compiled-in types (with Kubernetes'
//   merge keys); kubectl 1.20 ignores `consumes` and uses the definitions' patch metadata.
// The definitions are built from the known-fields schema the server's strict validation uses.

import { DAEMONSET_ROLLOUT_DEFINITIONS, DAEMONSET_ROLLOUT_OVERLAY } from "../kube/kinds/daemonset-rollout.js";
import { ALL_RESOURCES, type ResourceInfo } from "../kube/index.js";
import { EVERYNODE_VERSION, KUBERNETES_VERSION } from "../../shared/version.js";
import { encodeOpenApiV2 } from "./openapi-v2-protobuf.js";
import {
  CONTAINER,
  LABEL_SELECTOR,
  OBJECT_META,
  POD_SPEC,
  type Schema,
} from "./validation/known-fields-schema.js";

/**
 * The Content-Type of the protobuf document. kubectl asks for `…spec.v2@v1.0+protobuf`, but an
 * `@` in a response's Content-Type makes its HTTP client fail ("mime: unexpected content after
 * media subtype"), so the answer uses the other spelling of the same type, as the apiserver does.
 */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/** True when the Accept header asks for the protobuf document (either spelling of the type). */
export function acceptsOpenApiV2Protobuf(accept: string | undefined): boolean {
  return /com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/.test(accept ?? "");
}

/** A swagger 2.0 schema, JSON-shaped; `x-` keys are vendor extensions. */
export interface V2Schema {
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  required?: string[];
  items?: V2Schema;
  properties?: Record<string, V2Schema>;
  additionalProperties?: V2Schema;
  [extension: `x-${string}`]: unknown;
}

/** A swagger 2.0 parameter (body, query or path). */
export interface V2Parameter {
  name: string;
  in: "body" | "query" | "path";
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
  schema?: V2Schema;
}

/** A swagger 2.0 operation. */
export interface V2Operation {
  description?: string;
  operationId?: string;
  consumes?: string[];
  produces?: string[];
  parameters?: V2Parameter[];
  responses?: Record<string, { description: string; schema?: V2Schema }>;
  [extension: `x-${string}`]: unknown;
}

/** The swagger 2.0 document, JSON-shaped (only the parts everynode fills). */
export interface V2Document {
  swagger: "2.0";
  info: { title: string; version: string };
  paths: Record<string, { parameters?: V2Parameter[]; patch?: V2Operation }>;
  definitions: Record<string, V2Schema>;
}

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const CORE = "io.k8s.api.core.v1";
const ref = (name: string): V2Schema => ({ $ref: `#/definitions/${name}` });
const str: V2Schema = { type: "string" };
const int: V2Schema = { type: "integer", format: "int32" };
const bool: V2Schema = { type: "boolean" };
const obj = (properties: Record<string, V2Schema>, description?: string): V2Schema => ({
  type: "object",
  ...(description ? { description } : {}),
  properties,
});
// Any keys and values: status, and the kinds whose fields are not described here.
const loose = (description: string): V2Schema => ({ type: "object", description, additionalProperties: {} });

// The known-fields objects that become named definitions (and $refs) rather than inline ones.
const NAMED = new Map<Schema, string>([
  [OBJECT_META, `${META}.ObjectMeta`],
  [LABEL_SELECTOR, `${META}.LabelSelector`],
  [POD_SPEC, `${CORE}.PodSpec`],
  [CONTAINER, `${CORE}.Container`],
]);

// kubectl 1.20 computes apply's strategic merge patch from these schemas, so lists carry
// Kubernetes' merge keys and strategies (by field name: each name has one meaning here).
const PATCH_META: Record<string, [key: string | undefined, strategy: string]> = {
  containers: ["name", "merge"],
  initContainers: ["name", "merge"],
  ephemeralContainers: ["name", "merge"],
  volumes: ["name", "merge,retainKeys"],
  env: ["name", "merge"],
  ports: ["containerPort", "merge"],
  volumeMounts: ["mountPath", "merge"],
  volumeDevices: ["devicePath", "merge"],
  imagePullSecrets: ["name", "merge"],
  hostAliases: ["ip", "merge"],
  topologySpreadConstraints: ["topologyKey", "merge"],
  resourceClaims: ["name", "merge,retainKeys"],
  schedulingGates: ["name", "merge"],
  ownerReferences: ["uid", "merge"],
  finalizers: [undefined, "merge"],
  conditions: ["type", "merge"],
};
// Free-form fields that hold lists; the others hold objects.
const LIST_VALUED = new Set(["managedFields", "restartPolicyRules"]);

function withPatchMeta(field: string, s: V2Schema): V2Schema {
  const meta = PATCH_META[field];
  if (!meta) return s;
  const [key, strategy] = meta;
  return {
    ...s,
    ...(key ? { "x-kubernetes-patch-merge-key": key } : {}),
    "x-kubernetes-patch-strategy": strategy,
  };
}

/**
 * A known-fields schema as v2. Scalars are untyped (any value). Free-form objects are maps of
 * anything: a nested object there makes kubectl 1.20 fall back to its compiled-in patch types
 * (with a warning), where an untyped schema would crash its patch computation.
 */
function fromKnown(s: Schema, field = "", top = false): V2Schema {
  const name = NAMED.get(s);
  if (name !== undefined && !top) return ref(name);
  if (s === "") return {};
  if (s === "any") return LIST_VALUED.has(field) ? {} : loose("Any fields.");
  if (s === "map") return { type: "object", additionalProperties: str };
  if (Array.isArray(s)) return { type: "array", items: fromKnown(s[0] ?? "any") };
  return obj(
    Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, withPatchMeta(k, fromKnown(v, k))])),
  );
}

const schemaName = (r: ResourceInfo): string => `io.k8s.api.${r.group || "core"}.${r.version}.${r.kind}`;
const gvkOf = (r: ResourceInfo) => ({ group: r.group, kind: r.kind, version: r.version });

/** Top-level fields of each kind; undefined for kinds taken as free-form. */
function bodyOf(r: ResourceInfo): Record<string, V2Schema> | undefined {
  const status = loose(`The observed state of the ${r.kind}.`);
  switch (r.resource) {
    case "daemonsets":
      return { spec: ref("io.k8s.api.apps.v1.DaemonSetSpec"), status };
    case "pods":
      return { spec: ref(`${CORE}.PodSpec`), status };
    case "namespaces":
      return { spec: obj({ finalizers: { type: "array", items: str } }), status };
    case "nodes":
      return {
        spec: obj({
          podCIDR: str,
          podCIDRs: { type: "array", items: str },
          providerID: str,
          unschedulable: bool,
          taints: { type: "array", items: obj({ key: str, value: str, effect: str, timeAdded: str }) },
          configSource: {},
          externalID: str,
        }),
        status,
      };
    default:
      return undefined;
  }
}

// everynode's rollout fields, described for `kubectl explain` (the DaemonSet kind's overlay).
function rollingUpdateV2(): V2Schema {
  const added = DAEMONSET_ROLLOUT_OVERLAY["spec.updateStrategy.rollingUpdate"]?.properties ?? {};
  const described = (path: string, schema: V2Schema): V2Schema => {
    const [field = "", sub] = path.split(".");
    const autoPause = DAEMONSET_ROLLOUT_DEFINITIONS["io.everynode.apps.v1.DaemonSetAutoPause"];
    const description =
      sub === undefined ? added[field]?.description : autoPause?.properties?.[sub]?.description;
    return description ? { ...schema, description } : schema;
  };
  return obj({
    maxUnavailable: {},
    maxSurge: {},
    paused: described("paused", bool),
    partition: described("partition", {}),
    selector: described("selector", ref(`${META}.LabelSelector`)),
    progressDeadlineSeconds: described("progressDeadlineSeconds", int),
    autoRollback: described("autoRollback", bool),
    autoPause: described(
      "autoPause",
      obj({
        enabled: described("autoPause.enabled", bool),
        maxRestarts: described("autoPause.maxRestarts", int),
        maxNotReadySeconds: described("autoPause.maxNotReadySeconds", int),
      }),
    ),
    prePull: described("prePull", bool),
  });
}

function definitions(): Record<string, V2Schema> {
  const defs: Record<string, V2Schema> = {
    [`${META}.Patch`]: { type: "object", description: "A patch body in one of the accepted patch types." },
    "io.k8s.api.apps.v1.DaemonSetSpec": obj({
      selector: ref(`${META}.LabelSelector`),
      template: ref(`${CORE}.PodTemplateSpec`),
      updateStrategy: obj({ type: str, rollingUpdate: rollingUpdateV2() }),
      minReadySeconds: int,
      revisionHistoryLimit: int,
    }),
    [`${CORE}.PodTemplateSpec`]: obj({ metadata: ref(`${META}.ObjectMeta`), spec: ref(`${CORE}.PodSpec`) }),
  };
  for (const [known, name] of NAMED) defs[name] = fromKnown(known, "", true);
  for (const r of ALL_RESOURCES) {
    const body = bodyOf(r);
    const description = `${r.kind} as everynode serves it.`;
    defs[schemaName(r)] = {
      ...(body
        ? obj({ apiVersion: str, kind: str, metadata: ref(`${META}.ObjectMeta`), ...body }, description)
        : loose(description)),
      "x-kubernetes-group-version-kind": [gvkOf(r)],
    };
  }
  return defs;
}

const query = (name: string, description: string, type = "string"): V2Parameter => ({
  name,
  in: "query",
  description,
  type,
  uniqueItems: true,
});
const pathParam = (name: string, description: string): V2Parameter => ({
  name,
  in: "path",
  description,
  required: true,
  type: "string",
  uniqueItems: true,
});

function patchPath(r: ResourceInfo): [string, { parameters: V2Parameter[]; patch: V2Operation }] {
  const gv = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const path = `${gv}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.resource}/{name}`;
  const scope = r.namespaced ? [pathParam("namespace", "object name and auth scope")] : [];
  const op: V2Operation = {
    description: `partially update the specified ${r.kind}`,
    operationId: `patch${r.kind}`,
    // No strategic-merge-patch here on purpose: see the top of this file.
    consumes: ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"],
    produces: ["application/json", "application/yaml"],
    parameters: [
      { name: "body", in: "body", required: true, schema: ref(`${META}.Patch`) },
      query("dryRun", "All: check the request but persist nothing."),
      query("fieldManager", "The name of the actor making these changes."),
      query("fieldValidation", "Unknown or duplicate fields: Ignore, Warn or Strict."),
      query("force", "Force an apply request.", "boolean"),
    ],
    responses: { "200": { description: "OK", schema: ref(schemaName(r)) } },
    "x-kubernetes-action": "patch",
    "x-kubernetes-group-version-kind": gvkOf(r),
  };
  return [path, { parameters: [pathParam("name", `name of the ${r.kind}`), ...scope], patch: op }];
}

/** The OpenAPI v2 document: definitions of the served kinds and their PATCH operations. */
export function openApiV2Document(): V2Document {
  return {
    swagger: "2.0",
    info: {
      title: "everynode",
      version: `${KUBERNETES_VERSION.gitVersion} (everynode ${EVERYNODE_VERSION})`,
    },
    paths: Object.fromEntries(ALL_RESOURCES.map(patchPath)),
    definitions: definitions(),
  };
}

let cached: Buffer | undefined;

/** The protobuf document, built once (the served types do not change while the server runs). */
export function openApiV2Protobuf(): Buffer {
  cached ??= encodeOpenApiV2(openApiV2Document());
  return cached;
}
