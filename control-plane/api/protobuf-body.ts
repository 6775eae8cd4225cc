// The few Kubernetes protobuf request bodies kubectl sends. kubectl 1.32+ writes with its
// typed clients in protobuf (`kubectl create namespace X` posts a protobuf Namespace), and
// never retries in JSON. everynode answers in JSON (kubectl accepts it) and decodes only
// the kinds kubectl creates this way: Namespace, ConfigMap, Secret and DeleteOptions (and
// those registered below). Anything else stays a 415.
// protobufjs decodes, from a descriptor of the fields read here (names and numbers from
// Kubernetes' generated.proto files); fields it does not describe are skipped.

import protobuf from "protobufjs/light.js";
import { EverynodeError, errors } from "../../shared/errors.js";

/** Kubernetes' protobuf envelope starts with these four bytes ("k8s\0"). */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Fields = Record<string, { id: number; type: string; rule?: "repeated" }>;
const one = (id: number, type = "string") => ({ id, type });
const many = (id: number, type = "string") => ({ id, type, rule: "repeated" as const });

// Maps are read as their wire form, repeated key/value entries, so that a key such as
// "__proto__" stays a key (validation then refuses it) instead of vanishing into a prototype.
const TYPES: Record<string, { fields: Fields }> = {
  Unknown: { fields: { typeMeta: one(1, "TypeMeta"), raw: one(2, "bytes") } },
  TypeMeta: { fields: { apiVersion: one(1), kind: one(2) } },
  StringEntry: { fields: { key: one(1), value: one(2) } },
  BytesEntry: { fields: { key: one(1), value: one(2, "bytes") } },
  ObjectMeta: {
    fields: {
      name: one(1),
      generateName: one(2),
      namespace: one(3),
      labels: many(11, "StringEntry"),
      annotations: many(12, "StringEntry"),
      finalizers: many(14),
    },
  },
  Namespace: { fields: { metadata: one(1, "ObjectMeta"), spec: one(2, "NamespaceSpec") } },
  NamespaceSpec: { fields: { finalizers: many(1) } },
  // kubectl create configmap|secret (1.32+).
  ConfigMap: {
    fields: {
      metadata: one(1, "ObjectMeta"),
      data: many(2, "StringEntry"),
      binaryData: many(3, "BytesEntry"),
      immutable: one(4, "bool"),
    },
  },
  Secret: {
    fields: {
      metadata: one(1, "ObjectMeta"),
      data: many(2, "BytesEntry"),
      type: one(3),
      stringData: many(4, "StringEntry"),
      immutable: one(5, "bool"),
    },
  },
  // kubectl create serviceaccount.
  ServiceAccount: {
    fields: {
      metadata: one(1, "ObjectMeta"),
      secrets: many(2, "ObjectReference"),
      imagePullSecrets: many(3, "LocalObjectReference"),
      automountServiceAccountToken: one(4, "bool"),
    },
  },
  ObjectReference: {
    fields: {
      kind: one(1),
      namespace: one(2),
      name: one(3),
      uid: one(4),
      apiVersion: one(5),
      fieldPath: one(7),
    },
  },
  LocalObjectReference: { fields: { name: one(1) } },
  // kubectl auth can-i (--list).
  SelfSubjectAccessReview: {
    fields: { metadata: one(1, "ObjectMeta"), spec: one(2, "SelfSubjectAccessReviewSpec") },
  },
  SelfSubjectAccessReviewSpec: {
    fields: {
      resourceAttributes: one(1, "ResourceAttributes"),
      nonResourceAttributes: one(2, "NonResourceAttributes"),
    },
  },
  ResourceAttributes: {
    fields: {
      namespace: one(1),
      verb: one(2),
      group: one(3),
      version: one(4),
      resource: one(5),
      subresource: one(6),
      name: one(7),
    },
  },
  NonResourceAttributes: { fields: { path: one(1), verb: one(2) } },
  SelfSubjectRulesReview: {
    fields: { metadata: one(1, "ObjectMeta"), spec: one(2, "SelfSubjectRulesReviewSpec") },
  },
  SelfSubjectRulesReviewSpec: { fields: { namespace: one(1) } },
  // kubectl create role|clusterrole|rolebinding|clusterrolebinding.
  Role: { fields: { metadata: one(1, "ObjectMeta"), rules: many(2, "PolicyRule") } },
  ClusterRole: { fields: { metadata: one(1, "ObjectMeta"), rules: many(2, "PolicyRule") } },
  PolicyRule: {
    fields: {
      verbs: many(1),
      apiGroups: many(2),
      resources: many(3),
      resourceNames: many(4),
      nonResourceURLs: many(5),
    },
  },
  RoleBinding: {
    fields: { metadata: one(1, "ObjectMeta"), subjects: many(2, "Subject"), roleRef: one(3, "RoleRef") },
  },
  ClusterRoleBinding: {
    fields: { metadata: one(1, "ObjectMeta"), subjects: many(2, "Subject"), roleRef: one(3, "RoleRef") },
  },
  Subject: { fields: { kind: one(1), apiGroup: one(2), name: one(3), namespace: one(4) } },
  RoleRef: { fields: { apiGroup: one(1), kind: one(2), name: one(3) } },
  // kubectl create token.
  TokenRequest: { fields: { metadata: one(1, "ObjectMeta"), spec: one(2, "TokenRequestSpec") } },
  TokenRequestSpec: {
    fields: {
      audiences: many(1),
      boundObjectRef: one(3, "BoundObjectReference"),
      expirationSeconds: one(4, "int64"),
    },
  },
  BoundObjectReference: { fields: { kind: one(1), apiVersion: one(2), name: one(3), uid: one(4) } },
  Preconditions: { fields: { uid: one(1), resourceVersion: one(2) } },
  DeleteOptions: {
    fields: {
      gracePeriodSeconds: one(1, "int64"),
      preconditions: one(2, "Preconditions"),
      orphanDependents: one(3, "bool"),
      propagationPolicy: one(4),
      dryRun: many(5),
    },
  },
};
const root = protobuf.Root.fromJSON({ nested: TYPES });

type Message = Record<string, unknown>;

/** Decodes one message; bytes that are not one are a 400. */
function decode(type: string, bytes: Uint8Array): Message {
  try {
    const t = root.lookupType(type);
    // Without `defaults`, a field is in the object only when the body carries it (proto2).
    return t.toObject(t.decode(bytes), { longs: Number, bytes: Buffer }) as Message;
  } catch (e) {
    throw errors.badRequest(`the protobuf body is malformed: ${(e as Error).message}`);
  }
}

const has = (m: Message | undefined, field: string): boolean => m !== undefined && Object.hasOwn(m, field);
const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

function stringMap(entries: unknown): Record<string, string> | undefined {
  const pairs = Array.isArray(entries) ? (entries as Message[]) : [];
  if (pairs.length === 0) return undefined;
  // fromEntries defines own keys: a "__proto__" key stays a key (and validation refuses it).
  return Object.fromEntries(pairs.map((e) => [String(e["key"] ?? ""), String(e["value"] ?? "")]));
}

/** ObjectMeta's fields a client may set on create, each only when it is not empty. */
function objectMeta(m: Message | undefined): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const set = (k: string, v: unknown): void => {
    if (v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)) meta[k] = v;
  };
  set("name", m?.["name"]);
  set("generateName", m?.["generateName"]);
  set("namespace", m?.["namespace"]);
  set("labels", stringMap(m?.["labels"]));
  set("annotations", stringMap(m?.["annotations"]));
  set("finalizers", list(m?.["finalizers"]));
  return meta;
}

function namespace(raw: Uint8Array, apiVersion: string): Record<string, unknown> {
  const ns = decode("Namespace", raw);
  const finalizers = list((ns["spec"] as Message | undefined)?.["finalizers"]);
  return {
    apiVersion,
    kind: "Namespace",
    metadata: objectMeta(ns["metadata"] as Message | undefined),
    spec: finalizers.length ? { finalizers } : {},
  };
}

function deleteOptions(raw: Uint8Array, apiVersion: string): Record<string, unknown> {
  const o = decode("DeleteOptions", raw);
  const out: Record<string, unknown> = { apiVersion, kind: "DeleteOptions" };
  if (has(o, "gracePeriodSeconds")) out.gracePeriodSeconds = o["gracePeriodSeconds"];
  const pre = o["preconditions"] as Message | undefined;
  if (pre) {
    const p: Record<string, string> = {};
    if (has(pre, "uid")) p.uid = String(pre["uid"]);
    if (has(pre, "resourceVersion")) p.resourceVersion = String(pre["resourceVersion"]);
    out.preconditions = p;
  }
  if (has(o, "orphanDependents")) out.orphanDependents = o["orphanDependents"];
  if (has(o, "propagationPolicy")) out.propagationPolicy = o["propagationPolicy"];
  const dryRun = list(o["dryRun"]);
  if (dryRun.length) out.dryRun = dryRun;
  return out;
}

/** A map of bytes as JSON carries it: base64 values. */
function bytesMap(entries: unknown): Record<string, string> | undefined {
  const pairs = Array.isArray(entries) ? (entries as Message[]) : [];
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(
    pairs.map((e) => [
      String(e["key"] ?? ""),
      Buffer.from((e["value"] as Uint8Array | undefined) ?? []).toString("base64"),
    ]),
  );
}

/** A decoded message as JSON: metadata, then each field the body carries, maps converted. */
function configObject(
  kind: "ConfigMap" | "Secret",
  maps: Record<string, (v: unknown) => Record<string, string> | undefined>,
): (raw: Uint8Array, apiVersion: string) => Record<string, unknown> {
  return (raw, apiVersion) => {
    const m = decode(kind, raw);
    const out: Record<string, unknown> = {
      apiVersion,
      kind,
      metadata: objectMeta(m["metadata"] as Message | undefined),
    };
    for (const [field, value] of Object.entries(m)) {
      if (field === "metadata") continue;
      const convert = maps[field];
      const converted = convert ? convert(value) : value;
      if (converted !== undefined) out[field] = converted;
    }
    return out;
  };
}

/** A message whose fields are plain (strings, numbers, lists, nested messages): as decoded. */
function plainObject(kind: string): (raw: Uint8Array, apiVersion: string) => Record<string, unknown> {
  return (raw, apiVersion) => {
    const { metadata, ...rest } = decode(kind, raw);
    return { apiVersion, kind, metadata: objectMeta(metadata as Message | undefined), ...withoutEmpty(rest) };
  };
}

/**
 * Go's clients write empty strings into protobuf where JSON would leave the field out
 * (`omitempty`): a Subject's `namespace: ""`. Dropped, so the object reads as its JSON would;
 * list items (an apiGroups entry "") stay.
 */
function withoutEmpty(m: Message): Message {
  const out: Message = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === "") continue;
    if (Array.isArray(v)) out[k] = v.map((x: unknown) => (isMessage(x) ? withoutEmpty(x) : x));
    else out[k] = isMessage(v) ? withoutEmpty(v) : v;
  }
  return out;
}

function isMessage(v: unknown): v is Message {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

const DECODERS: Record<string, (raw: Uint8Array, apiVersion: string) => Record<string, unknown>> = {
  TokenRequest: plainObject("TokenRequest"),
  ServiceAccount: plainObject("ServiceAccount"),
  SelfSubjectAccessReview: plainObject("SelfSubjectAccessReview"),
  SelfSubjectRulesReview: plainObject("SelfSubjectRulesReview"),
  Role: plainObject("Role"),
  ClusterRole: plainObject("ClusterRole"),
  RoleBinding: plainObject("RoleBinding"),
  ClusterRoleBinding: plainObject("ClusterRoleBinding"),
  Namespace: namespace,
  ConfigMap: configObject("ConfigMap", { data: stringMap, binaryData: bytesMap }),
  Secret: configObject("Secret", { data: bytesMap, stringData: stringMap }),
  DeleteOptions: deleteOptions,
};

function unsupported(what: string): EverynodeError {
  return new EverynodeError(
    "UnsupportedMediaType",
    `${what} - accepted media types include: application/json, application/yaml`,
  );
}

/**
 * Decodes a `application/vnd.kubernetes.protobuf` body (the "k8s\0" envelope around a
 * runtime.Unknown) into the JSON object it stands for. Kinds other than Namespace and
 * DeleteOptions are a 415, so the client learns to send JSON or YAML instead.
 */
export function decodeProtobufBody(raw: Buffer): Record<string, unknown> {
  if (raw.length < MAGIC.length || !raw.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw unsupported("the body of the request was in an unknown format");
  }
  const unknown = decode("Unknown", raw.subarray(MAGIC.length));
  const typeMeta = unknown["typeMeta"] as Message | undefined;
  const apiVersion = String(typeMeta?.["apiVersion"] ?? "");
  const kind = String(typeMeta?.["kind"] ?? "");
  const decoder = Object.hasOwn(DECODERS, kind) ? DECODERS[kind] : undefined;
  if (!decoder) throw unsupported(`a protobuf body of kind "${kind || "unknown"}" is not supported`);
  return decoder((unknown["raw"] as Uint8Array | undefined) ?? Buffer.alloc(0), apiVersion);
}
