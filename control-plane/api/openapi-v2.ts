// OpenAPI v2 for kubectl clients older than 1.29 (and the apply patch step of newer ones). They
// GET /openapi/v2 (or /swagger-2.0.0.pb-v1) as protobuf (gnostic's openapi.v2.Document):
// - for client-side validation (kubectl 1.20; and 1.27/1.28, unless the PATCH operation of the
//   kind lists a `fieldValidation` parameter, which it does here, so they validate server-side
//   with `fieldValidation=Strict`, like 1.29+);
// - for apply's patch: from 1.27 on, a PATCH operation whose `consumes` lacks strategic-merge-patch
//   makes kubectl compute the strategic merge patch from its compiled-in types (with Kubernetes'
//   merge keys); kubectl 1.20 ignores `consumes` and uses the definitions' patch metadata.
// The definitions are built from the known-fields schema the server's strict validation uses.

import { stringify } from "yaml";
import { ALL_RESOURCES, type ResourceInfo } from "../../shared/resources.js";
import { EVERYNODE_VERSION, KUBERNETES_VERSION } from "../../shared/version.js";
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

function definitions(): Record<string, V2Schema> {
  const defs: Record<string, V2Schema> = {
    [`${META}.Patch`]: { type: "object", description: "A patch body in one of the accepted patch types." },
    "io.k8s.api.apps.v1.DaemonSetSpec": obj({
      selector: ref(`${META}.LabelSelector`),
      template: ref(`${CORE}.PodTemplateSpec`),
      updateStrategy: obj({ type: str, rollingUpdate: obj({ maxUnavailable: {}, maxSurge: {} }) }),
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
    info: { title: "everynode", version: `${KUBERNETES_VERSION.gitVersion} (everynode ${EVERYNODE_VERSION})` },
    paths: Object.fromEntries(ALL_RESOURCES.map(patchPath)),
    definitions: definitions(),
  };
}

// ---- protobuf encoding (proto3 wire format; field numbers from gnostic's OpenAPIv2.proto)

/** The bytes of `n` (a non-negative integer below 2^53) as a protobuf varint. */
export function encodeVarint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Builds one protobuf message: fields are appended in call order; defaults are skipped. */
export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private tag(field: number, wireType: 0 | 2): void {
    this.parts.push(Buffer.from(encodeVarint(field * 8 + wireType)));
  }
  /** A varint field (bool, int); zero is the default and is not written. */
  varint(field: number, value: number | boolean | undefined): this {
    const n = Number(value ?? 0);
    if (n !== 0) {
      this.tag(field, 0);
      this.parts.push(Buffer.from(encodeVarint(n)));
    }
    return this;
  }
  /** A length-delimited field with these bytes (always written: presence matters for messages). */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.parts.push(Buffer.from(encodeVarint(data.length)), Buffer.from(data));
    return this;
  }
  /** A string field; the empty string is the default and is not written. */
  string(field: number, value: string | undefined): this {
    return value ? this.bytes(field, Buffer.from(value, "utf8")) : this;
  }
  /** One string per element: a repeated string field. */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.bytes(field, Buffer.from(v, "utf8"));
    return this;
  }
  /** A nested message, written by `fill`. */
  message(field: number, fill: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    fill(w);
    return this.bytes(field, w.finish());
  }
  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** `x-` keys as repeated NamedAny {name = 1, value = 2: Any {yaml = 2}}. */
function extensions(w: ProtoWriter, field: number, from: object): void {
  for (const [name, value] of Object.entries(from)) {
    if (!name.startsWith("x-")) continue;
    w.message(field, (n) => n.string(1, name).message(2, (a) => a.string(2, stringify(value))));
  }
}

function schema(w: ProtoWriter, s: V2Schema): void {
  w.string(1, s.$ref).string(2, s.format).string(4, s.description).strings(19, s.required);
  if (s.additionalProperties) {
    const sub = s.additionalProperties;
    w.message(21, (a) => a.message(1, (x) => schema(x, sub)));
  }
  if (s.type) w.message(22, (t) => t.strings(1, [s.type ?? ""]));
  if (s.items) {
    const items = s.items;
    w.message(23, (i) => i.message(1, (x) => schema(x, items)));
  }
  if (s.properties) {
    const props = s.properties;
    w.message(25, (p) => namedSchemas(p, 1, props));
  }
  extensions(w, 31, s);
}

function namedSchemas(w: ProtoWriter, field: number, from: Record<string, V2Schema>): void {
  for (const [name, s] of Object.entries(from)) {
    w.message(field, (n) => n.string(1, name).message(2, (x) => schema(x, s)));
  }
}

/** ParametersItem {parameter = 1: Parameter {body = 1 | non_body = 2 {query = 3 | path = 4}}}. */
function parameter(w: ProtoWriter, p: V2Parameter): void {
  w.message(1, (param) => {
    if (p.in === "body") {
      const body = p.schema ?? {};
      param.message(1, (b) =>
        b
          .string(1, p.description)
          .string(2, p.name)
          .string(3, p.in)
          .varint(4, p.required)
          .message(5, (x) => schema(x, body)),
      );
      return;
    }
    const [sub, typeField, uniqueField] = p.in === "query" ? [3, 6, 20] : [4, 5, 19];
    param.message(2, (nb) =>
      nb.message(sub, (q) =>
        q
          .varint(1, p.required)
          .string(2, p.in)
          .string(3, p.description)
          .string(4, p.name)
          .string(typeField, p.type)
          .varint(uniqueField, p.uniqueItems),
      ),
    );
  });
}

function operation(w: ProtoWriter, op: V2Operation): void {
  w.string(3, op.description).string(5, op.operationId).strings(6, op.produces).strings(7, op.consumes);
  for (const p of op.parameters ?? []) w.message(8, (x) => parameter(x, p));
  const responses = op.responses ?? {};
  // Responses {response_code = 1: NamedResponseValue {name, value: ResponseValue {response = 1}}}
  w.message(9, (rs) => {
    for (const [code, r] of Object.entries(responses)) {
      rs.message(1, (named) =>
        named.string(1, code).message(2, (rv) =>
          rv.message(1, (resp) => {
            resp.string(1, r.description);
            if (r.schema) {
              const s = r.schema;
              resp.message(2, (item) => item.message(1, (x) => schema(x, s)));
            }
          }),
        ),
      );
    }
  });
  extensions(w, 13, op);
}

/** The document as gnostic's openapi.v2.Document protobuf message. */
export function encodeOpenApiV2(doc: V2Document): Buffer {
  const w = new ProtoWriter();
  w.string(1, doc.swagger);
  w.message(2, (info) => info.string(1, doc.info.title).string(2, doc.info.version));
  w.message(8, (paths) => {
    for (const [path, item] of Object.entries(doc.paths)) {
      paths.message(2, (named) =>
        named.string(1, path).message(2, (pi) => {
          if (item.patch) {
            const op = item.patch;
            pi.message(8, (x) => operation(x, op));
          }
          for (const p of item.parameters ?? []) pi.message(9, (x) => parameter(x, p));
        }),
      );
    }
  });
  w.message(9, (defs) => namedSchemas(defs, 1, doc.definitions));
  return w.finish();
}

let cached: Buffer | undefined;

/** The protobuf document, built once (the served types do not change while the server runs). */
export function openApiV2Protobuf(): Buffer {
  cached ??= encodeOpenApiV2(openApiV2Document());
  return cached;
}
