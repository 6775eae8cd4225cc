// The few Kubernetes protobuf request bodies kubectl sends. kubectl 1.32+ writes with its
// typed clients in protobuf (`kubectl create namespace X` posts a protobuf Namespace), and
// never retries in JSON. everynode answers in JSON (kubectl accepts it) and decodes only
// the kinds kubectl creates this way: Namespace and DeleteOptions. Anything else stays a 415.

import { EverynodeError, errors } from "../../shared/errors.js";

/** Kubernetes' protobuf envelope starts with these four bytes ("k8s\0"). */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  no: number;
  /** A varint's value, or undefined for a length-delimited field. */
  varint?: bigint;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, at: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length && shift < 70n; i++) {
    const b = buf[i] ?? 0;
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    shift += 7n;
  }
  throw errors.badRequest("the protobuf body is truncated");
}

/** Splits one protobuf message into its fields (wire types 0, 1, 2 and 5). */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const key = readVarint(buf, at);
    at = key.next;
    const no = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    if (wire === 0) {
      const v = readVarint(buf, at);
      out.push({ no, varint: v.value });
      at = v.next;
    } else if (wire === 2) {
      const len = readVarint(buf, at);
      const end = len.next + Number(len.value);
      if (end > buf.length) throw errors.badRequest("the protobuf body is truncated");
      out.push({ no, bytes: buf.subarray(len.next, end) });
      at = end;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4; // fixed-width numbers: none of the fields read here
    } else {
      throw errors.badRequest(`the protobuf body has an unknown wire type ${wire}`);
    }
  }
  return out;
}

const str = (f: Field[], no: number): string | undefined => {
  const b = f.find((x) => x.no === no)?.bytes;
  return b === undefined ? undefined : b.toString("utf8");
};
const strs = (f: Field[], no: number): string[] =>
  f.filter((x) => x.no === no && x.bytes).map((x) => (x.bytes ?? Buffer.alloc(0)).toString("utf8"));
const sub = (f: Field[], no: number): Field[] | undefined => {
  const b = f.find((x) => x.no === no)?.bytes;
  return b === undefined ? undefined : fields(b);
};

function stringMap(f: Field[], no: number): Record<string, string> | undefined {
  const entries = f.filter((x) => x.no === no && x.bytes);
  if (entries.length === 0) return undefined;
  // fromEntries defines own keys: a "__proto__" key stays a key (and validation refuses it).
  return Object.fromEntries(
    entries.map((e) => {
      const kv = fields(e.bytes ?? Buffer.alloc(0));
      return [str(kv, 1) ?? "", str(kv, 2) ?? ""];
    }),
  );
}

/** ObjectMeta's fields a client may set on create (name 1, generateName 2, namespace 3, labels 11, annotations 12, finalizers 14). */
function objectMeta(f: Field[] | undefined): Record<string, unknown> {
  if (!f) return {};
  const meta: Record<string, unknown> = {};
  const set = (k: string, v: unknown): void => {
    if (v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)) meta[k] = v;
  };
  set("name", str(f, 1));
  set("generateName", str(f, 2));
  set("namespace", str(f, 3));
  set("labels", stringMap(f, 11));
  set("annotations", stringMap(f, 12));
  set("finalizers", strs(f, 14));
  return meta;
}

function namespace(raw: Buffer, apiVersion: string): Record<string, unknown> {
  const f = fields(raw);
  const finalizers = strs(sub(f, 2) ?? [], 1);
  return {
    apiVersion,
    kind: "Namespace",
    metadata: objectMeta(sub(f, 1)),
    spec: finalizers.length ? { finalizers } : {},
  };
}

function deleteOptions(raw: Buffer, apiVersion: string): Record<string, unknown> {
  const f = fields(raw);
  const out: Record<string, unknown> = { apiVersion, kind: "DeleteOptions" };
  const grace = f.find((x) => x.no === 1)?.varint;
  if (grace !== undefined) out.gracePeriodSeconds = Number(BigInt.asIntN(64, grace));
  const pre = sub(f, 2);
  if (pre) {
    const p: Record<string, string> = {};
    if (str(pre, 1) !== undefined) p.uid = str(pre, 1) ?? "";
    if (str(pre, 2) !== undefined) p.resourceVersion = str(pre, 2) ?? "";
    out.preconditions = p;
  }
  const orphan = f.find((x) => x.no === 3)?.varint;
  if (orphan !== undefined) out.orphanDependents = orphan !== 0n;
  if (str(f, 4) !== undefined) out.propagationPolicy = str(f, 4);
  const dryRun = strs(f, 5);
  if (dryRun.length) out.dryRun = dryRun;
  return out;
}

const DECODERS: Record<string, (raw: Buffer, apiVersion: string) => Record<string, unknown>> = {
  Namespace: namespace,
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
  const unknown = fields(raw.subarray(MAGIC.length));
  const typeMeta = sub(unknown, 1) ?? [];
  const apiVersion = str(typeMeta, 1) ?? "";
  const kind = str(typeMeta, 2) ?? "";
  const decode = Object.hasOwn(DECODERS, kind) ? DECODERS[kind] : undefined;
  if (!decode) throw unsupported(`a protobuf body of kind "${kind || "unknown"}" is not supported`);
  return decode(unknown.find((x) => x.no === 2)?.bytes ?? Buffer.alloc(0), apiVersion);
}
