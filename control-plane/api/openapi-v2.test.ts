import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ProtoWriter, encodeOpenApiV2, encodeVarint } from "./openapi-v2-protobuf.js";
import {
  acceptsOpenApiV2Protobuf,
  openApiV2Document,
  openApiV2Protobuf,
  type V2Schema,
} from "./openapi-v2.js";

interface Field {
  field: number;
  value: number | Buffer;
}

// A minimal protobuf reader for the two wire types the encoder writes.
function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    const byte = buf[i++];
    if (byte === undefined) throw new Error("truncated varint");
    value += (byte & 0x7f) * scale;
    scale *= 0x80;
    if (byte < 0x80) return [value, i];
  }
}

function decode(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  while (i < buf.length) {
    const [tag, next] = readVarint(buf, i);
    const field = Math.floor(tag / 8);
    if (tag % 8 === 0) {
      const [value, after] = readVarint(buf, next);
      out.push({ field, value });
      i = after;
    } else if (tag % 8 === 2) {
      const [length, start] = readVarint(buf, next);
      if (start + length > buf.length) throw new Error("truncated field");
      out.push({ field, value: buf.subarray(start, start + length) });
      i = start + length;
    } else throw new Error(`unexpected wire type ${tag % 8}`);
  }
  return out;
}

const bytesOf = (fields: Field[], field: number): Buffer[] =>
  fields.filter((f) => f.field === field).map((f) => f.value as Buffer);
const one = (fields: Field[], field: number): Buffer => {
  const [b] = bytesOf(fields, field);
  if (!b) throw new Error(`field ${field} missing`);
  return b;
};
const text = (fields: Field[], field: number): string => one(fields, field).toString("utf8");

/** NamedX entries (name = 1, value = 2) of a repeated field, by name. */
function named(fields: Field[], field: number): Map<string, Field[]> {
  return new Map(bytesOf(fields, field).map((b) => [text(decode(b), 1), decode(one(decode(b), 2))]));
}

/** A Schema message's vendor extensions (field 31), their YAML values parsed. */
function extensionsOf(schema: Field[]): Record<string, unknown> {
  return Object.fromEntries([...named(schema, 31)].map(([k, any]) => [k, parse(text(any, 2))]));
}

describe("encodeVarint", () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16_384, [0x80, 0x80, 0x01]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [2 ** 53 - 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])("%d", (n, bytes) => {
    expect(encodeVarint(n)).toEqual(bytes);
    expect(readVarint(Buffer.from(bytes), 0)).toEqual([n, bytes.length]);
  });
});

describe("ProtoWriter", () => {
  it("writes tags, strings, varints and nested messages, and skips defaults", () => {
    const long = "x".repeat(200); // a length that needs a two-byte varint
    const buf = new ProtoWriter()
      .string(1, "2.0")
      .string(3, "")
      .varint(4, false)
      .varint(20, true)
      .message(2, (m) => m.string(1, long).message(5, () => undefined))
      .strings(7, ["a", "b"])
      .finish();
    expect([...buf.subarray(0, 5)]).toEqual([0x0a, 0x03, 0x32, 0x2e, 0x30]);
    const fields = decode(buf);
    expect(fields.map((f) => f.field)).toEqual([1, 20, 2, 7, 7]);
    expect(fields[1]?.value).toBe(1);
    const inner = decode(one(fields, 2));
    expect(text(inner, 1)).toBe(long);
    // An empty nested message is still present (zero length), as message presence matters.
    expect(one(inner, 5).length).toBe(0);
    expect(bytesOf(fields, 7).map(String)).toEqual(["a", "b"]);
  });
});

describe("the OpenAPI v2 document", () => {
  const doc = decode(openApiV2Protobuf());
  const definitions = named(decode(one(doc, 9)), 1);
  const definition = (name: string): Field[] => {
    const d = definitions.get(name);
    if (!d) throw new Error(`no definition ${name}`);
    return d;
  };
  const properties = (schema: Field[]): Map<string, Field[]> => named(decode(one(schema, 25)), 1);

  it("decodes as swagger 2.0 from everynode", () => {
    expect(text(doc, 1)).toBe("2.0");
    expect(text(decode(one(doc, 2)), 1)).toBe("everynode");
  });

  it.each([
    ["io.k8s.api.apps.v1.DaemonSet", { group: "apps", kind: "DaemonSet", version: "v1" }],
    ["io.k8s.api.core.v1.Node", { group: "", kind: "Node", version: "v1" }],
    ["io.k8s.api.core.v1.Namespace", { group: "", kind: "Namespace", version: "v1" }],
    ["io.k8s.api.core.v1.Pod", { group: "", kind: "Pod", version: "v1" }],
  ])("defines %s with its group, version and kind", (name, gvk) => {
    const schema = definition(name);
    expect(extensionsOf(schema)["x-kubernetes-group-version-kind"]).toEqual([gvk]);
    expect([...properties(schema).keys()]).toEqual(["apiVersion", "kind", "metadata", "spec", "status"]);
  });

  it("refers from the DaemonSet down to its containers, with their merge keys", () => {
    const spec = properties(definition("io.k8s.api.apps.v1.DaemonSet")).get("spec") ?? [];
    expect(text(spec, 1)).toBe("#/definitions/io.k8s.api.apps.v1.DaemonSetSpec");
    const template = properties(definition("io.k8s.api.apps.v1.DaemonSetSpec")).get("template") ?? [];
    expect(text(template, 1)).toBe("#/definitions/io.k8s.api.core.v1.PodTemplateSpec");
    const containers = properties(definition("io.k8s.api.core.v1.PodSpec")).get("containers") ?? [];
    expect(text(decode(one(containers, 22)), 1)).toBe("array");
    expect(extensionsOf(containers)).toEqual({
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
    });
    const item = decode(one(decode(one(containers, 23)), 1));
    expect(text(item, 1)).toBe("#/definitions/io.k8s.api.core.v1.Container");
  });

  it("has a DaemonSet PATCH that takes fieldValidation and no strategic merge patch", () => {
    const paths = named(decode(one(doc, 8)), 2);
    const item = paths.get("/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}") ?? [];
    const patch = decode(one(item, 8));
    const gvk = [...named(patch, 13)].map(([k, any]) => [k, parse(text(any, 2))]);
    expect(gvk).toContainEqual([
      "x-kubernetes-group-version-kind",
      { group: "apps", kind: "DaemonSet", version: "v1" },
    ]);
    const queryNames = bytesOf(patch, 8)
      .map((p) => decode(one(decode(p), 1)))
      .filter((param) => bytesOf(param, 2).length > 0)
      .map((param) => text(decode(one(decode(one(param, 2)), 3)), 4));
    expect(queryNames).toContain("fieldValidation");
    const consumes = bytesOf(patch, 7).map(String);
    expect(consumes).toContain("application/merge-patch+json");
    expect(consumes).not.toContain("application/strategic-merge-patch+json");
  });

  it("encodes the same document it renders as JSON, and every $ref has a definition", () => {
    const json = openApiV2Document();
    expect(encodeOpenApiV2(json).equals(openApiV2Protobuf())).toBe(true);
    const refs: string[] = [];
    const walk = (s: V2Schema): void => {
      if (s.$ref) refs.push(s.$ref.replace("#/definitions/", ""));
      for (const sub of [s.items, s.additionalProperties, ...Object.values(s.properties ?? {})]) {
        if (sub) walk(sub);
      }
    };
    Object.values(json.definitions).forEach(walk);
    expect(refs.length).toBeGreaterThan(5);
    expect(refs.filter((r) => !(r in json.definitions))).toEqual([]);
  });
});

describe("acceptsOpenApiV2Protobuf", () => {
  it.each([
    ["application/com.github.proto-openapi.spec.v2@v1.0+protobuf", true],
    ["application/com.github.proto-openapi.spec.v2.v1.0+protobuf", true],
    ["application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf", true],
    ["application/json", false],
    ["*/*", false],
    [undefined, false],
  ])("%s → %s", (accept, expected) => {
    expect(acceptsOpenApiV2Protobuf(accept)).toBe(expected);
  });
});
