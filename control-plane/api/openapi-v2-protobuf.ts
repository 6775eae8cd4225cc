// The OpenAPI v2 document as kubectl reads it: gnostic's openapi.v2.Document protobuf message,
// written by hand in the proto3 wire format (varints and length-delimited fields only; the
// field numbers are those of gnostic's OpenAPIv2.proto). Only the parts everynode fills.

import { stringify } from "yaml";
import type { V2Document, V2Operation, V2Parameter, V2Schema } from "./openapi-v2.js";

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
