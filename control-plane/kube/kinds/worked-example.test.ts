// The README's worked example, built as written: a ConfigMap kind is one file and one
// registry line; the rest follows.

import { describe, expect, it } from "vitest";
import { aggregatedDiscovery } from "../schema/discovery.js";
import { unknownFieldsOf } from "../schema/known-fields.js";
import { openApiV3Document } from "../schema/openapi-v3.js";
import { buildRegistry } from "../schema/registry.js";
import { KINDS } from "./index.js";
import { resourceTable } from "./resources.js";
import { configMapKind } from "./configmap.js";

const registry = buildRegistry(KINDS);
void configMapKind;

describe("adding ConfigMap", () => {
  it("adds it to the resource table", () => {
    expect(resourceTable(registry.kinds)["configmaps"]).toEqual({
      resource: "configmaps",
      singular: "configmap",
      kind: "ConfigMap",
      listKind: "ConfigMapList",
      group: "",
      version: "v1",
      namespaced: true,
      shortNames: ["cm"],
      categories: [],
      subresources: [],
    });
  });

  it("publishes it in discovery and OpenAPI, with upstream's descriptions", () => {
    const api = aggregatedDiscovery(registry, "api", "v2") as { items: any[] };
    expect(api.items[0].versions[0].resources.map((r: any) => r.resource)).toContain("configmaps");
    const v3 = openApiV3Document(registry, "api/v1") as any;
    expect(v3.paths).toHaveProperty(["/api/v1/namespaces/{namespace}/configmaps/{name}"]);
    expect(v3.components.schemas["io.k8s.api.core.v1.ConfigMap"].properties.data.description).toMatch(
      /^Data contains/,
    );
  });

  it("checks its fields strictly: data takes any key", () => {
    const cm = {
      metadata: { name: "c" },
      data: { "any.key": "v" },
      binaryData: {},
      immutable: true,
      datа: {},
    };
    expect(unknownFieldsOf(registry, "configmaps", cm)).toEqual({ paths: ["datа"], tooDeep: false });
  });
});
