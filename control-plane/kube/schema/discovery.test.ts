import { describe, expect, it } from "vitest";
import * as today from "../../api/discovery.js";
import { KINDS, REGISTRY } from "../kinds/index.js";
import { aggregatedDiscovery, apiResourceList, legacyApiGroupList, legacyApiVersions } from "./discovery.js";
import { buildRegistry } from "./registry.js";

describe("discovery documents against today's", () => {
  it.each([
    ["api", "v2"],
    ["api", "v2beta1"],
    ["apis", "v2"],
    ["apis", "v2beta1"],
  ] as const)("aggregated %s %s", (which, version) => {
    expect(aggregatedDiscovery(REGISTRY, which, version)).toEqual(today.aggregatedDiscovery(which, version));
    expect(JSON.stringify(aggregatedDiscovery(REGISTRY, which, version))).toBe(
      JSON.stringify(today.aggregatedDiscovery(which, version)),
    );
  });

  it("legacy /api and /apis", () => {
    expect(legacyApiVersions(REGISTRY, "10.0.0.1:6443")).toEqual(today.legacyApiVersions("10.0.0.1:6443"));
    expect(JSON.stringify(legacyApiGroupList(REGISTRY))).toBe(JSON.stringify(today.legacyApiGroupList()));
  });

  it.each(["v1", "apps/v1"] as const)("legacy resource list of %s", (gv) => {
    expect(JSON.stringify(apiResourceList(REGISTRY, gv))).toBe(JSON.stringify(today.apiResourceList(gv)));
  });

  it("has no resource list for a group version not served", () => {
    expect(apiResourceList(REGISTRY, "batch/v1")).toBeUndefined();
    expect(apiResourceList(REGISTRY, "coordination.k8s.io/v1")).toBeUndefined();
  });
});

describe("a kind once published", () => {
  const published = buildRegistry(
    KINDS.map((k) => (k.resource === "jointokens" ? { ...k, servedBy: "store" as const } : k)),
  );

  it("appears with its group, verbs and scope", () => {
    const apis = aggregatedDiscovery(published, "apis", "v2") as { items: any[] };
    const group = apis.items.find((i) => i.metadata.name === "everynode.io");
    expect(group.versions[0].resources).toEqual([
      {
        resource: "jointokens",
        responseKind: { group: "everynode.io", version: "v1", kind: "JoinToken" },
        scope: "Cluster",
        singularResource: "jointoken",
        verbs: ["create", "delete", "get", "list"],
      },
    ]);
    expect((legacyApiGroupList(published) as { groups: any[] }).groups.map((g) => g.name)).toEqual([
      "apps",
      "everynode.io",
    ]);
  });
});
