import { describe, expect, it } from "vitest";
import { EVERYNODE_VERSION, KUBERNETES_VERSION } from "../../../shared/version.js";
import { KINDS, REGISTRY } from "../kinds/index.js";
import { type Definition, KUBERNETES_DEFINITIONS } from "../openapi/definitions.js";
import { openApiV3Document, toV3Schema } from "./openapi-v3.js";
import { buildRegistry } from "./registry.js";

type Doc = {
  openapi: string;
  info: object;
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any> };
};
const doc = (gv: string) => openApiV3Document(REGISTRY, gv) as Doc;

describe("the OpenAPI v3 documents' paths", () => {
  it.each([
    [
      "api/v1",
      [
        "/api/v1/nodes",
        "/api/v1/nodes/{name}",
        "/api/v1/nodes/{name}/status",
        "/api/v1/namespaces/{namespace}/pods",
        "/api/v1/namespaces/{namespace}/pods/{name}",
        "/api/v1/pods",
        "/api/v1/namespaces/{namespace}/pods/{name}/status",
        "/api/v1/namespaces/{namespace}/pods/{name}/log",
        "/api/v1/namespaces",
        "/api/v1/namespaces/{name}",
        "/api/v1/namespaces/{name}/status",
        "/api/v1/namespaces/{namespace}/events",
        "/api/v1/namespaces/{namespace}/events/{name}",
        "/api/v1/events",
        "/api/v1/namespaces/{namespace}/configmaps",
        "/api/v1/namespaces/{namespace}/configmaps/{name}",
        "/api/v1/configmaps",
        "/api/v1/namespaces/{namespace}/secrets",
        "/api/v1/namespaces/{namespace}/secrets/{name}",
        "/api/v1/secrets",
        "/api/v1/namespaces/{namespace}/serviceaccounts",
        "/api/v1/namespaces/{namespace}/serviceaccounts/{name}",
        "/api/v1/serviceaccounts",
      ],
    ],
    [
      "apis/apps/v1",
      [
        "/apis/apps/v1/namespaces/{namespace}/daemonsets",
        "/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}",
        "/apis/apps/v1/daemonsets",
        "/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}/status",
        "/apis/apps/v1/namespaces/{namespace}/controllerrevisions",
        "/apis/apps/v1/namespaces/{namespace}/controllerrevisions/{name}",
        "/apis/apps/v1/controllerrevisions",
      ],
    ],
  ])("%s has the paths the kinds serve, in registry order", (gv, paths) => {
    expect(Object.keys(doc(gv).paths)).toEqual(paths);
  });

  it("namespaces cannot be deleted as a collection (as discovery says)", () => {
    expect(Object.keys(doc("api/v1").paths["/api/v1/namespaces"] ?? {})).toEqual([
      "get",
      "post",
      "parameters",
    ]);
    expect(doc("api/v1").paths["/api/v1/namespaces/{namespace}/events"]?.["delete"]?.operationId).toBe(
      "deleteCoreV1CollectionNamespacedEvent",
    );
  });

  it("says which Kubernetes and everynode it is", () => {
    expect(doc("api/v1").openapi).toBe("3.0.0");
    expect(doc("api/v1").info).toEqual({
      title: "everynode",
      version: `${KUBERNETES_VERSION.gitVersion} (everynode ${EVERYNODE_VERSION})`,
    });
  });

  it("is undefined for a group version everynode does not serve", () => {
    expect(openApiV3Document(REGISTRY, "apis/batch/v1")).toBeUndefined();
    expect(openApiV3Document(REGISTRY, "apis/coordination.k8s.io/v1")).toBeUndefined();
  });
});

describe("components are upstream's definitions", () => {
  it.each(["api/v1", "apis/apps/v1"])("every $ref of %s resolves inside the document", (gv) => {
    const d = doc(gv);
    const refs = JSON.stringify(d).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(100);
    for (const r of refs) {
      const name = r.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(r).toContain("#/components/schemas/");
      expect(d.components.schemas[name], name).toBeDefined();
    }
  });

  it("documents only the group version's kinds and what they reach", () => {
    const core = Object.keys(doc("api/v1").components.schemas);
    expect(core).toContain("io.k8s.api.core.v1.PodSpec");
    expect(core.some((n) => n.startsWith("io.k8s.api.apps."))).toBe(false);
    const apps = Object.keys(doc("apis/apps/v1").components.schemas);
    expect(apps).toContain("io.k8s.api.core.v1.PodSpec");
    expect(apps).not.toContain("io.k8s.api.core.v1.Node");
  });

  // The typed client the definitions come from keeps no description beside a reference
  // (maxSurge's is IntOrString's); scalar fields and the definitions keep theirs.
  it("lets kubectl explain ds.spec.updateStrategy and its rollingUpdate find upstream's text", () => {
    const schemas = doc("apis/apps/v1").components.schemas;
    const follow = (s: any): any => {
      const ref = s.$ref ?? s.allOf?.[0]?.$ref;
      return ref ? schemas[ref.slice("#/components/schemas/".length)] : s;
    };
    let s = schemas["io.k8s.api.apps.v1.DaemonSet"];
    expect(s["x-kubernetes-group-version-kind"]).toEqual([
      { group: "apps", kind: "DaemonSet", version: "v1" },
    ]);
    for (const f of ["spec", "updateStrategy"]) s = follow(s.properties[f]);
    expect(s.properties.type.description).toMatch(/^Type of daemon set update\. Can be "RollingUpdate"/);
    s = follow(s.properties.rollingUpdate);
    expect(s.description).toBe(
      KUBERNETES_DEFINITIONS["io.k8s.api.apps.v1.RollingUpdateDaemonSet"]?.description,
    );
    expect(s.description).toMatch(/^Spec to control the desired behavior of daemon set rolling update/);
    expect(follow(s.properties.maxSurge).description).toMatch(
      /^IntOrString is a type that can hold an int32/,
    );
  });

  it.each([
    ["io.k8s.apimachinery.pkg.util.intstr.IntOrString", [{ type: "integer" }, { type: "string" }]],
    ["io.k8s.apimachinery.pkg.api.resource.Quantity", [{ type: "string" }, { type: "number" }]],
  ])("writes %s as a oneOf, so kubectl explain names it", (name, oneOf) => {
    const schema = doc("apis/apps/v1").components.schemas[name];
    expect(schema.oneOf).toEqual(oneOf);
    expect(schema).not.toHaveProperty("type");
    expect(schema.description).toBe(KUBERNETES_DEFINITIONS[name]?.description);
  });

  it.each([
    [{ $ref: "#/definitions/X" }, { $ref: "#/components/schemas/X" }],
    [
      { $ref: "#/definitions/X", description: "d" },
      { allOf: [{ $ref: "#/components/schemas/X" }], description: "d" },
    ],
    [
      { type: "array", items: { $ref: "#/definitions/X" }, "x-kubernetes-list-type": "atomic" },
      { type: "array", items: { $ref: "#/components/schemas/X" }, "x-kubernetes-list-type": "atomic" },
    ],
    [
      { type: "object", additionalProperties: { $ref: "#/definitions/Q" } },
      { type: "object", additionalProperties: { $ref: "#/components/schemas/Q" } },
    ],
  ])("converts %j", (v2, v3) => {
    expect(toV3Schema(v2 as Definition)).toEqual(v3);
  });
});

describe("kinds with routers of their own", () => {
  it("get paths from their verbs when published: a Lease has only get", () => {
    const leases = buildRegistry(
      KINDS.map((k) => (k.resource === "leases" ? { ...k, servedBy: "store" as const } : k)),
    );
    const d = openApiV3Document(leases, "apis/coordination.k8s.io/v1") as Doc;
    expect(Object.keys(d.paths)).toEqual([
      "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}",
    ]);
    const item = d.paths["/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}"] ?? {};
    expect(Object.keys(item)).toEqual(["get", "parameters"]);
    expect(item["get"].operationId).toBe("readCoordinationV1NamespacedLease");
    expect(d.components.schemas).toHaveProperty(["io.k8s.api.coordination.v1.LeaseSpec"]);
  });
});
