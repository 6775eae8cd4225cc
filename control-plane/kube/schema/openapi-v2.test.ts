import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as todayProto from "../../api/openapi-v2-protobuf.js";
import * as today from "../../api/openapi-v2.js";
import { REGISTRY } from "../kinds/index.js";
import { type Definition, KUBERNETES_DEFINITIONS } from "../openapi/definitions.js";
import { encodeOpenApiV2, gnosticType, openApiV2Protobuf } from "./openapi-v2-protobuf.js";
import { openApiV2Document, type V2Document } from "./openapi-v2.js";

type Message = Record<string, any>;

/** protobuf bytes → gnostic's message as a plain object (longs as numbers, no defaults). */
const decode = (bytes: Uint8Array): Message => {
  const type = gnosticType("Document");
  return type.toObject(type.decode(bytes), { longs: Number }) as Message;
};

const unyaml = (m: Message[] | undefined) =>
  Object.fromEntries((m ?? []).map((e: Message) => [e["name"], parse(e["value"]["yaml"])]));

/** A gnostic Schema message back into the JSON schema it encodes. */
function schemaOf(m: Message): Definition {
  const s: Record<string, unknown> = {};
  if (m["_ref"]) s["$ref"] = m["_ref"];
  if (m["format"]) s["format"] = m["format"];
  if (m["description"]) s["description"] = m["description"];
  if (m["required"]?.length) s["required"] = m["required"];
  const additional = m["additionalProperties"];
  if (additional)
    s["additionalProperties"] = additional.schema ? schemaOf(additional.schema) : additional.boolean;
  if (m["type"]) s["type"] = m["type"].value[0];
  if (m["items"]) s["items"] = schemaOf(m["items"].schema[0]);
  if (m["properties"])
    s["properties"] = Object.fromEntries(
      (m["properties"].additionalProperties ?? []).map((p: Message) => [p["name"], schemaOf(p["value"])]),
    );
  return { ...s, ...unyaml(m["vendorExtension"]) } as Definition;
}

describe("the protobuf encoder", () => {
  it("writes today's document byte for byte as today's hand-written encoder", () => {
    const doc = today.openApiV2Document();
    const theirs = todayProto.encodeOpenApiV2(doc);
    const mine = encodeOpenApiV2(doc as unknown as V2Document);
    expect(decode(mine)).toEqual(decode(theirs));
    expect(mine.equals(theirs)).toBe(true);
  });

  it("round-trips the registry's document, every definition and extension", () => {
    const doc = openApiV2Document(REGISTRY);
    const decoded = decode(openApiV2Protobuf(REGISTRY));
    expect(decoded["swagger"]).toBe("2.0");
    expect(decoded["info"]).toEqual(doc.info);
    const definitions = Object.fromEntries(
      decoded["definitions"].additionalProperties.map((d: Message) => [d["name"], schemaOf(d["value"])]),
    );
    expect(definitions).toEqual(JSON.parse(JSON.stringify(doc.definitions)));
    expect(decoded["paths"].path.map((p: Message) => p["name"])).toEqual(Object.keys(doc.paths));
  });

  it("is built once", () => {
    expect(openApiV2Protobuf(REGISTRY)).toBe(openApiV2Protobuf(REGISTRY));
  });
});

describe("the OpenAPI v2 document against today's", () => {
  const mine = openApiV2Document(REGISTRY);
  const theirs = today.openApiV2Document();

  it("has today's info and PATCH operations", () => {
    expect(mine.info).toEqual(theirs.info);
    expect(mine.paths).toEqual(theirs.paths);
    expect(Object.keys(mine.paths)).toEqual(Object.keys(theirs.paths));
  });

  it("defines today's kinds (and every name today's document defines) with upstream's schemas", () => {
    expect(Object.keys(mine.definitions)).toEqual(expect.arrayContaining(Object.keys(theirs.definitions)));
    for (const name of Object.keys(theirs.definitions))
      expect(mine.definitions[name], name).toBe(KUBERNETES_DEFINITIONS[name]);
  });

  it("carries upstream's merge keys where kubectl 1.20 computes apply patches from them", () => {
    const containers = mine.definitions["io.k8s.api.core.v1.PodSpec"]?.properties?.["containers"];
    expect(containers).toMatchObject({
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
      items: { $ref: "#/definitions/io.k8s.api.core.v1.Container" },
    });
    const tolerations = mine.definitions["io.k8s.api.core.v1.PodSpec"]?.properties?.["tolerations"];
    expect(tolerations).not.toHaveProperty("x-kubernetes-patch-strategy");
  });

  it("every $ref has a definition", () => {
    const refs = JSON.stringify(mine).match(/"\$ref":"#\/definitions\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(100);
    for (const r of refs)
      expect(mine.definitions).toHaveProperty([r.slice('"$ref":"#/definitions/'.length, -1)]);
  });
});
