import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REGISTRY } from "../kinds/index.js";
import { type Definition, KUBERNETES_DEFINITIONS } from "../openapi/definitions.js";
import { gnosticType, openApiV2Protobuf } from "./openapi-v2-protobuf.js";
import { openApiV2Document } from "./openapi-v2.js";

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

describe("the OpenAPI v2 document", () => {
  const mine = openApiV2Document(REGISTRY);
  const decoded = decode(openApiV2Protobuf(REGISTRY));
  const path = (p: string): Message =>
    decoded["paths"].path.find((x: Message) => x["name"] === p)?.["value"] ?? {};

  it("has one PATCH operation per published kind, as kubectl before 1.29 reads them", () => {
    expect(Object.keys(mine.paths)).toEqual([
      "/api/v1/nodes/{name}",
      "/api/v1/namespaces/{namespace}/pods/{name}",
      "/api/v1/namespaces/{name}",
      "/api/v1/namespaces/{namespace}/events/{name}",
      "/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}",
      "/apis/apps/v1/namespaces/{namespace}/controllerrevisions/{name}",
      "/api/v1/namespaces/{namespace}/configmaps/{name}",
      "/api/v1/namespaces/{namespace}/secrets/{name}",
      "/api/v1/namespaces/{namespace}/serviceaccounts/{name}",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles/{name}",
      "/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/rolebindings/{name}",
      "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{name}",
    ]);
    expect(mine.info.title).toBe("everynode");
  });

  it("has a DaemonSet PATCH that takes fieldValidation and no strategic merge patch", () => {
    const patch = path("/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}")["patch"];
    expect(unyaml(patch.vendorExtension)["x-kubernetes-group-version-kind"]).toEqual({
      group: "apps",
      kind: "DaemonSet",
      version: "v1",
    });
    const query = patch.parameters
      .map((p: Message) => p["parameter"]["nonBodyParameter"]?.["queryParameterSubSchema"]?.["name"])
      .filter(Boolean);
    expect(query).toContain("fieldValidation");
    expect(patch.consumes).toContain("application/merge-patch+json");
    expect(patch.consumes).not.toContain("application/strategic-merge-patch+json");
  });

  it.each([
    ["io.k8s.api.apps.v1.DaemonSet", { group: "apps", kind: "DaemonSet", version: "v1" }],
    ["io.k8s.api.core.v1.Node", { group: "", kind: "Node", version: "v1" }],
    ["io.k8s.api.core.v1.Namespace", { group: "", kind: "Namespace", version: "v1" }],
    ["io.k8s.api.core.v1.Pod", { group: "", kind: "Pod", version: "v1" }],
  ])("defines %s as upstream does, with its group, version and kind", (name, gvk) => {
    expect(mine.definitions[name]).toBe(KUBERNETES_DEFINITIONS[name]);
    const def = decoded["definitions"].additionalProperties.find((d: Message) => d["name"] === name);
    expect(unyaml(def["value"].vendorExtension)["x-kubernetes-group-version-kind"]).toEqual([gvk]);
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
