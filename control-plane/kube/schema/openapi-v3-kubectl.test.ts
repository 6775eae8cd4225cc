// What kubectl needs of the OpenAPI v3 documents: `kubectl apply` looks for a PATCH operation
// whose x-kubernetes-group-version-kind is the object's and whose parameters include
// `fieldValidation`; finding it, it skips client-side validation and sends
// `fieldValidation=Strict`. Without these documents apply fails ("failed to download openapi").

import { describe, expect, it } from "vitest";
import { REGISTRY } from "../kinds/index.js";
import * as v3 from "./openapi-v3.js";

const openApiV3Index = () => v3.openApiV3Index(REGISTRY);
const openApiV3Document = (gv: string) => v3.openApiV3Document(REGISTRY, gv);

type Doc = {
  openapi: string;
  info: object;
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any> };
};

/** What kubectl's query-param verifier looks for: a PATCH op for the GVK with fieldValidation. */
function supportsFieldValidation(doc: Doc, gvk: { group: string; version: string; kind: string }): boolean {
  return Object.values(doc.paths).some((path) => {
    const patch = path["patch"];
    const g = patch?.["x-kubernetes-group-version-kind"];
    return (
      g?.group === gvk.group &&
      g.version === gvk.version &&
      g.kind === gvk.kind &&
      patch.parameters.some((p: any) => p.name === "fieldValidation")
    );
  });
}

describe("openApiV3Index", () => {
  it("points at both group versions with a stable hash", () => {
    const index = openApiV3Index() as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual([
      "api/v1",
      "apis/apps/v1",
      "apis/rbac.authorization.k8s.io/v1",
      "apis/metrics.k8s.io/v1beta1",
    ]);
    expect(index.paths["apis/apps/v1"]?.serverRelativeURL).toMatch(
      /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/,
    );
    expect(index.paths["api/v1"]?.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    expect(openApiV3Index()).toEqual(index);
    expect(index.paths["api/v1"]?.serverRelativeURL.split("=")[1]).not.toBe(
      index.paths["apis/apps/v1"]?.serverRelativeURL.split("=")[1],
    );
  });
});

describe("openApiV3Document", () => {
  const apps = openApiV3Document("apis/apps/v1") as Doc;
  const core = openApiV3Document("api/v1") as Doc;

  it("is an OpenAPI 3.0 document with info", () => {
    expect(apps.openapi).toBe("3.0.0");
    expect(apps.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it("the DaemonSet item path has get/put/patch/delete with the GVK, and PATCH takes fieldValidation", () => {
    const item = apps.paths["/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}"];
    expect(Object.keys(item ?? {})).toEqual(expect.arrayContaining(["get", "put", "patch", "delete"]));
    for (const verb of ["get", "put", "patch", "delete"]) {
      expect(item?.[verb]["x-kubernetes-group-version-kind"]).toEqual({
        group: "apps",
        version: "v1",
        kind: "DaemonSet",
      });
    }
    expect(item?.["patch"].parameters).toContainEqual(
      expect.objectContaining({ name: "fieldValidation", in: "query" }),
    );
    expect(item?.["parameters"].map((p: any) => p.name)).toEqual(["name", "namespace", "pretty"]);
  });

  it("does not offer strategic merge patch, so kubectl computes apply patches from its own types", () => {
    const patch = apps.paths["/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}"]?.["patch"];
    expect(Object.keys(patch.requestBody.content)).not.toContain("application/strategic-merge-patch+json");
  });

  it.each([
    ["apps", "DaemonSet"],
    ["apps", "ControllerRevision"],
    ["", "Node"],
    ["", "Pod"],
    ["", "Namespace"],
    ["", "Event"],
  ])("kubectl apply finds fieldValidation for %s %s", (group, kind) => {
    expect(supportsFieldValidation(group ? apps : core, { group, version: "v1", kind })).toBe(true);
  });

  it("core paths: cluster-scoped nodes without {namespace}, namespaced pods with it, plus status and log", () => {
    expect(core.paths).toHaveProperty(["/api/v1/nodes/{name}"]);
    expect(core.paths).toHaveProperty(["/api/v1/nodes/{name}/status"]);
    expect(core.paths).toHaveProperty(["/api/v1/namespaces/{namespace}/pods/{name}"]);
    expect(core.paths).toHaveProperty(["/api/v1/namespaces/{namespace}/pods/{name}/log"]);
    expect(core.paths).toHaveProperty(["/api/v1/pods"]);
    expect(core.paths).not.toHaveProperty(["/api/v1/namespaces/{namespace}/nodes/{name}"]);
    expect(Object.keys(core.paths).some((p) => p.includes("daemonsets"))).toBe(false);
  });

  it("every $ref resolves to a component schema with the kind's GVK", () => {
    const refs = JSON.stringify([apps, core]).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      const name = r.slice('"#/components/schemas/'.length, -1);
      expect(apps.components.schemas[name] ?? core.components.schemas[name]).toBeDefined();
    }
    expect(
      apps.components.schemas["io.k8s.api.apps.v1.DaemonSet"]["x-kubernetes-group-version-kind"],
    ).toEqual([{ group: "apps", version: "v1", kind: "DaemonSet" }]);
  });

  it("is undefined for a group version everynode does not serve", () => {
    expect(openApiV3Document("apis/batch/v1")).toBeUndefined();
  });
});
