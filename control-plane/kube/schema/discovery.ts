// API discovery from the registry: aggregated discovery (apidiscovery v2 and v2beta1, one
// document each for /api and /apis) and the legacy documents (APIVersions, APIGroupList,
// APIResourceList) older clients walk instead. Content negotiation stays with the HTTP layer.

import { apiVersionOfKind, type KindDescription } from "../kinds/kind.js";
import { publishedKinds } from "./openapi-v3.js";
import type { Registry } from "./registry.js";

function resourceEntry(k: KindDescription): Record<string, unknown> {
  const responseKind = { group: k.group, version: k.version, kind: k.kind };
  const entry: Record<string, unknown> = {
    resource: k.resource,
    responseKind,
    scope: k.namespaced ? "Namespaced" : "Cluster",
    singularResource: k.singular,
    verbs: [...k.verbs],
  };
  if (k.shortNames.length > 0) entry["shortNames"] = [...k.shortNames];
  if (k.categories.length > 0) entry["categories"] = [...k.categories];
  if (k.subresources.length > 0) {
    entry["subresources"] = k.subresources.map((s) => ({
      subresource: s.name,
      responseKind: s.kind ?? responseKind,
      verbs: [...s.verbs],
    }));
  }
  return entry;
}

/** Group names in registry order ("" is the core group), each with its versions in order. */
function groups(registry: Registry): Map<string, Map<string, KindDescription[]>> {
  const byGroup = new Map<string, Map<string, KindDescription[]>>();
  for (const k of publishedKinds(registry)) {
    const versions = byGroup.get(k.group) ?? new Map<string, KindDescription[]>();
    versions.set(k.version, [...(versions.get(k.version) ?? []), k]);
    byGroup.set(k.group, versions);
  }
  return byGroup;
}

/** The aggregated discovery list for `/api` (the core group) or `/apis` (every named group). */
export function aggregatedDiscovery(
  registry: Registry,
  which: "api" | "apis",
  version: "v2" | "v2beta1",
): object {
  const items = [...groups(registry)]
    .filter(([group]) => (which === "api" ? group === "" : group !== ""))
    .map(([group, versions]) => ({
      metadata: group === "" ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
      versions: [...versions].map(([v, kinds]) => ({
        version: v,
        resources: kinds.map(resourceEntry),
        freshness: "Current",
      })),
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** Legacy `GET /api`: the core versions and the address clients should use. */
export function legacyApiVersions(registry: Registry, serverAddress: string): object {
  const versions = [...(groups(registry).get("") ?? new Map<string, KindDescription[]>()).keys()];
  return {
    kind: "APIVersions",
    versions,
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

/** Legacy `GET /apis`: the named groups and their versions. */
export function legacyApiGroupList(registry: Registry): object {
  const list = [...groups(registry)]
    .filter(([group]) => group !== "")
    .map(([name, versions]) => {
      const gvs = [...versions.keys()].map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: gvs, preferredVersion: gvs[0] };
    });
  return { kind: "APIGroupList", apiVersion: "v1", groups: list };
}

/**
 * Legacy `GET /api/v1` or `GET /apis/<group>/<version>`: each resource, then its
 * subresources; undefined for a group version not served.
 */
export function apiResourceList(registry: Registry, groupVersion: string): object | undefined {
  const kinds = publishedKinds(registry).filter((k) => apiVersionOfKind(k) === groupVersion);
  if (kinds.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const k of kinds) {
    const entry: Record<string, unknown> = {
      name: k.resource,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: [...k.verbs],
    };
    if (k.shortNames.length > 0) entry["shortNames"] = [...k.shortNames];
    if (k.categories.length > 0) entry["categories"] = [...k.categories];
    resources.push(entry);
    for (const s of k.subresources) {
      // A subresource of another kind says its group and version (kubectl drain looks for them).
      const other = s.kind ? { group: s.kind.group, version: s.kind.version } : {};
      resources.push({
        name: `${k.resource}/${s.name}`,
        singularName: "",
        namespaced: k.namespaced,
        ...other,
        kind: s.kind?.kind ?? k.kind,
        verbs: [...s.verbs],
      });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion, resources };
}
