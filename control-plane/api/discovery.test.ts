import { describe, expect, it } from "vitest";
import {
  AGGREGATED_CONTENT_TYPE_V2,
  AGGREGATED_CONTENT_TYPE_V2BETA1,
  aggregatedDiscovery,
  apiResourceList,
  legacyApiGroupList,
  legacyApiVersions,
  negotiateDiscovery,
} from "./discovery.js";

const KUBECTL_132 = `${AGGREGATED_CONTENT_TYPE_V2},${AGGREGATED_CONTENT_TYPE_V2BETA1},application/json`;
const KUBECTL_129 = `${AGGREGATED_CONTENT_TYPE_V2BETA1},application/json`;

type Entry = Record<string, any>;
const resourcesOf = (doc: object): Entry[] =>
  (doc as any).items.flatMap((i: any) => i.versions.flatMap((v: any) => v.resources));
const byName = (doc: object, name: string): Entry | undefined =>
  resourcesOf(doc).find((r) => r.resource === name);

describe("negotiateDiscovery", () => {
  it.each([
    ["kubectl 1.30+ (v2 first)", KUBECTL_132, "v2"],
    ["kubectl <= 1.29 asks only for v2beta1", KUBECTL_129, "v2beta1"],
    [
      "spaces after commas and semicolons",
      "application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList, application/json",
      "v2",
    ],
    [
      "q values outrank order",
      `${AGGREGATED_CONTENT_TYPE_V2};q=0.5,${AGGREGATED_CONTENT_TYPE_V2BETA1}`,
      "v2beta1",
    ],
    [
      "an unknown version",
      "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json",
      "legacy",
    ],
    ["plain json", "application/json, */*", "legacy"],
    ["client-node", "application/json, */*;q=0.8", "legacy"],
    ["no header", undefined, "legacy"],
  ])("%s", (_name, accept, expected) => {
    expect(negotiateDiscovery(accept)).toBe(expected);
  });
});

describe("aggregatedDiscovery", () => {
  it("content types are exactly what kubectl checks", () => {
    expect(AGGREGATED_CONTENT_TYPE_V2).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    );
    expect(AGGREGATED_CONTENT_TYPE_V2BETA1).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    );
  });

  it.each(["v2", "v2beta1"] as const)("/api %s: the core group without a name", (version) => {
    const doc = aggregatedDiscovery("api", version) as any;
    expect(doc.kind).toBe("APIGroupDiscoveryList");
    expect(doc.apiVersion).toBe(`apidiscovery.k8s.io/${version}`);
    expect(doc.metadata).toEqual({});
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0].metadata).toEqual({ creationTimestamp: null });
    expect(doc.items[0].versions).toHaveLength(1);
    expect(doc.items[0].versions[0]).toMatchObject({ version: "v1", freshness: "Current" });
    expect(resourcesOf(doc).map((r) => r.resource)).toEqual(["nodes", "pods", "namespaces", "events"]);
  });

  it("/api entries carry what kubectl needs: scope, responseKind, shortNames, categories", () => {
    const doc = aggregatedDiscovery("api", "v2");
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
    ]);
    expect(byName(doc, "events")).not.toHaveProperty("categories");
    expect(byName(doc, "events")).not.toHaveProperty("subresources");
    expect(byName(doc, "namespaces")?.["verbs"]).not.toContain("deletecollection");
  });

  it("/apis holds the apps group, daemonsets first (the `get all` order) with shortName ds", () => {
    const doc = aggregatedDiscovery("apis", "v2") as any;
    expect(doc.items.map((i: any) => i.metadata)).toEqual([{ name: "apps", creationTimestamp: null }]);
    expect(resourcesOf(doc).map((r) => r.resource)).toEqual(["daemonsets", "controllerrevisions"]);
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
  it("APIVersions", () => {
    expect(legacyApiVersions("127.0.0.1:6443")).toEqual({
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
    });
  });

  it("APIGroupList", () => {
    expect(legacyApiGroupList()).toEqual({
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [
        {
          name: "apps",
          versions: [{ groupVersion: "apps/v1", version: "v1" }],
          preferredVersion: { groupVersion: "apps/v1", version: "v1" },
        },
      ],
    });
  });

  it("APIResourceList for apps/v1 lists daemonsets/status after daemonsets", () => {
    const list = apiResourceList("apps/v1") as any;
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
    const list = apiResourceList("v1") as any;
    expect(list.groupVersion).toBe("v1");
    expect(list.resources.map((r: any) => r.name)).toEqual([
      "nodes",
      "nodes/status",
      "pods",
      "pods/status",
      "pods/log",
      "namespaces",
      "namespaces/status",
      "events",
    ]);
    expect(list.resources.find((r: any) => r.name === "nodes").namespaced).toBe(false);
    expect(list.resources.find((r: any) => r.name === "pods/log")).toEqual({
      name: "pods/log",
      singularName: "",
      namespaced: true,
      kind: "Pod",
      verbs: ["get"],
    });
  });
});
