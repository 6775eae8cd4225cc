import { describe, expect, it } from "vitest";
import { KINDS, REGISTRY } from "../kinds/index.js";
import { aggregatedDiscovery, apiResourceList, legacyApiGroupList, legacyApiVersions } from "./discovery.js";
import { buildRegistry } from "./registry.js";

type Entry = Record<string, any>;
const resourcesOf = (doc: object): Entry[] =>
  (doc as any).items.flatMap((i: any) => i.versions.flatMap((v: any) => v.resources));
const byName = (doc: object, name: string): Entry | undefined =>
  resourcesOf(doc).find((r) => r.resource === name);

describe("aggregated discovery", () => {
  it.each(["v2", "v2beta1"] as const)("/api %s: the core group without a name", (version) => {
    const doc = aggregatedDiscovery(REGISTRY, "api", version) as any;
    expect(doc.kind).toBe("APIGroupDiscoveryList");
    expect(doc.apiVersion).toBe(`apidiscovery.k8s.io/${version}`);
    expect(doc.metadata).toEqual({});
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0].metadata).toEqual({ creationTimestamp: null });
    expect(doc.items[0].versions).toHaveLength(1);
    expect(doc.items[0].versions[0]).toMatchObject({ version: "v1", freshness: "Current" });
    expect(resourcesOf(doc).map((r) => r.resource)).toEqual([
      "nodes",
      "pods",
      "namespaces",
      "events",
      "configmaps",
      "secrets",
      "serviceaccounts",
    ]);
  });

  it("/api entries carry what kubectl needs: scope, responseKind, shortNames, categories", () => {
    const doc = aggregatedDiscovery(REGISTRY, "api", "v2");
    expect(byName(doc, "nodes")).toEqual({
      resource: "nodes",
      responseKind: { group: "", version: "v1", kind: "Node" },
      scope: "Cluster",
      singularResource: "node",
      shortNames: ["no"],
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      subresources: [
        {
          subresource: "status",
          responseKind: { group: "", version: "v1", kind: "Node" },
          verbs: ["get", "patch", "update"],
        },
      ],
    });
    const pods = byName(doc, "pods");
    expect(pods).toMatchObject({ scope: "Namespaced", shortNames: ["po"], categories: ["all"] });
    expect(pods?.["subresources"].map((s: any) => [s.subresource, s.verbs])).toEqual([
      ["status", ["get", "patch", "update"]],
      ["log", ["get"]],
      ["eviction", ["create"]],
    ]);
    // kubectl drain evicts (rather than deletes) when it finds this, with policy/v1's kind.
    expect(pods?.["subresources"][2].responseKind).toEqual({
      group: "policy",
      version: "v1",
      kind: "Eviction",
    });
    expect(byName(doc, "events")).not.toHaveProperty("categories");
    expect(byName(doc, "events")).not.toHaveProperty("subresources");
    expect(byName(doc, "namespaces")?.["verbs"]).not.toContain("deletecollection");
  });

  it("/apis holds the apps group, daemonsets first (the `get all` order) with shortName ds", () => {
    const doc = aggregatedDiscovery(REGISTRY, "apis", "v2") as any;
    expect(doc.items.map((i: any) => i.metadata)).toEqual([
      { name: "apps", creationTimestamp: null },
      { name: "rbac.authorization.k8s.io", creationTimestamp: null },
      { name: "metrics.k8s.io", creationTimestamp: null },
    ]);
    expect(doc.items[1].versions[0].resources.map((r: any) => r.resource)).toEqual([
      "roles",
      "clusterroles",
      "rolebindings",
      "clusterrolebindings",
    ]);
    expect(resourcesOf(doc).map((r) => r.resource)).toEqual([
      "daemonsets",
      "controllerrevisions",
      "roles",
      "clusterroles",
      "rolebindings",
      "clusterrolebindings",
      "nodes",
      "pods",
    ]);
    expect(doc.items[2].versions[0].resources[1]).toMatchObject({
      resource: "pods",
      responseKind: { group: "metrics.k8s.io", version: "v1beta1", kind: "PodMetrics" },
      scope: "Namespaced",
      verbs: ["get", "list"],
    });
    expect(byName(doc, "daemonsets")).toMatchObject({
      responseKind: { group: "apps", version: "v1", kind: "DaemonSet" },
      scope: "Namespaced",
      singularResource: "daemonset",
      shortNames: ["ds"],
      categories: ["all"],
    });
    expect(byName(doc, "controllerrevisions")).not.toHaveProperty("shortNames");
  });
});

describe("legacy discovery", () => {
  it("has no resource list for a group version not served", () => {
    expect(apiResourceList(REGISTRY, "batch/v1")).toBeUndefined();
    expect(apiResourceList(REGISTRY, "coordination.k8s.io/v1")).toBeUndefined();
  });

  it("APIVersions", () => {
    expect(legacyApiVersions(REGISTRY, "127.0.0.1:6443")).toEqual({
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
    });
  });

  it("APIGroupList", () => {
    expect(legacyApiGroupList(REGISTRY)).toEqual({
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [
        {
          name: "apps",
          versions: [{ groupVersion: "apps/v1", version: "v1" }],
          preferredVersion: { groupVersion: "apps/v1", version: "v1" },
        },
        {
          name: "rbac.authorization.k8s.io",
          versions: [{ groupVersion: "rbac.authorization.k8s.io/v1", version: "v1" }],
          preferredVersion: { groupVersion: "rbac.authorization.k8s.io/v1", version: "v1" },
        },
        {
          name: "metrics.k8s.io",
          versions: [{ groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" }],
          preferredVersion: { groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" },
        },
      ],
    });
  });

  it("APIResourceList for apps/v1 lists daemonsets/status after daemonsets", () => {
    const list = apiResourceList(REGISTRY, "apps/v1") as any;
    expect(list).toMatchObject({ kind: "APIResourceList", apiVersion: "v1", groupVersion: "apps/v1" });
    expect(list.resources[0]).toEqual({
      name: "daemonsets",
      singularName: "daemonset",
      namespaced: true,
      kind: "DaemonSet",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["ds"],
      categories: ["all"],
    });
    expect(list.resources[1]).toEqual({
      name: "daemonsets/status",
      singularName: "",
      namespaced: true,
      kind: "DaemonSet",
      verbs: ["get", "patch", "update"],
    });
  });

  it("APIResourceList for v1 has every core resource and its subresources", () => {
    const list = apiResourceList(REGISTRY, "v1") as any;
    expect(list.groupVersion).toBe("v1");
    expect(list.resources.map((r: any) => r.name)).toEqual([
      "nodes",
      "nodes/status",
      "pods",
      "pods/status",
      "pods/log",
      "pods/eviction",
      "namespaces",
      "namespaces/status",
      "events",
      "configmaps",
      "secrets",
      "serviceaccounts",
      "serviceaccounts/token",
    ]);
    expect(list.resources.find((r: any) => r.name === "nodes").namespaced).toBe(false);
    expect(list.resources.find((r: any) => r.name === "pods/eviction")).toEqual({
      name: "pods/eviction",
      singularName: "",
      namespaced: true,
      group: "policy",
      version: "v1",
      kind: "Eviction",
      verbs: ["create"],
    });
    expect(list.resources.find((r: any) => r.name === "pods/log")).toEqual({
      name: "pods/log",
      singularName: "",
      namespaced: true,
      kind: "Pod",
      verbs: ["get"],
    });
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
      "rbac.authorization.k8s.io",
      "metrics.k8s.io",
    ]);
  });
});
