// API discovery, built from the one RESOURCES table: aggregated discovery (apidiscovery v2
// and v2beta1, one request each for /api and /apis) and the legacy documents (APIVersions,
// APIGroupList, APIResourceList) older clients walk instead.

import { ALL_RESOURCES, apiVersionOf, type ResourceInfo } from "../kube/index.js";

/** kubectl only takes the body as aggregated discovery with exactly this Content-Type. */
export const AGGREGATED_CONTENT_TYPE_V2 =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
/** The same for kubectl ≤ 1.29, which asks only for v2beta1. */
export const AGGREGATED_CONTENT_TYPE_V2BETA1 =
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
// As the Kubernetes API server: namespaces cannot be deleted as a collection.
const verbsOf = (r: ResourceInfo): string[] =>
  r.resource === "namespaces" ? ALL_VERBS.filter((v) => v !== "deletecollection") : ALL_VERBS;
const SUBRESOURCE_VERBS: Record<string, string[]> = { status: ["get", "patch", "update"], log: ["get"] };
const subresourceVerbs = (s: string): string[] => SUBRESOURCE_VERBS[s] ?? ["get"];

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(",")
    .map((part) => {
      const [type = "", ...rest] = part.split(";").map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf("=");
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
      }
      const q = params["q"] === undefined ? 1 : Number(params["q"]);
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((m) => m.type !== "" && m.q > 0);
}

/**
 * Which discovery document answers this Accept header: the aggregated version the client
 * lists first (by q, then order), or the legacy documents when it lists none.
 */
export function negotiateDiscovery(accept: string | undefined): "v2" | "v2beta1" | "legacy" {
  const ranges = parseAccept(accept ?? "")
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.q - a.m.q || a.i - b.i);
  for (const { m } of ranges) {
    const aggregated =
      m.type === "application/json" &&
      m.params["g"] === "apidiscovery.k8s.io" &&
      m.params["as"] === "APIGroupDiscoveryList";
    if (aggregated && (m.params["v"] === "v2" || m.params["v"] === "v2beta1")) return m.params["v"];
  }
  return "legacy";
}

function resourceEntry(r: ResourceInfo): Record<string, unknown> {
  const responseKind = { group: r.group, version: r.version, kind: r.kind };
  const entry: Record<string, unknown> = {
    resource: r.resource,
    responseKind,
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: verbsOf(r),
  };
  if (r.shortNames.length > 0) entry["shortNames"] = [...r.shortNames];
  if (r.categories.length > 0) entry["categories"] = [...r.categories];
  if (r.subresources.length > 0) {
    entry["subresources"] = r.subresources.map((s) => ({
      subresource: s,
      responseKind,
      verbs: subresourceVerbs(s),
    }));
  }
  return entry;
}

/** Group names in RESOURCES order ("" is the core group), each with its versions in order. */
function groups(): Map<string, Map<string, ResourceInfo[]>> {
  const byGroup = new Map<string, Map<string, ResourceInfo[]>>();
  for (const r of ALL_RESOURCES) {
    const versions = byGroup.get(r.group) ?? new Map<string, ResourceInfo[]>();
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
    byGroup.set(r.group, versions);
  }
  return byGroup;
}

/**
 * The aggregated discovery list for `/api` (the core group, which has no name) or `/apis`
 * (every named group). Send it with the matching AGGREGATED_CONTENT_TYPE_*.
 */
export function aggregatedDiscovery(which: "api" | "apis", version: "v2" | "v2beta1"): object {
  const items = [...groups()]
    .filter(([group]) => (which === "api" ? group === "" : group !== ""))
    .map(([group, versions]) => ({
      metadata: group === "" ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
      versions: [...versions].map(([v, resources]) => ({
        version: v,
        resources: resources.map(resourceEntry),
        freshness: "Current",
      })),
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** Legacy `GET /api`: the core versions and the address clients should use. */
export function legacyApiVersions(serverAddress: string): object {
  const versions = [...(groups().get("") ?? new Map<string, ResourceInfo[]>()).keys()];
  return {
    kind: "APIVersions",
    versions,
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

/** Legacy `GET /apis`: the named groups and their versions. */
export function legacyApiGroupList(): object {
  const list = [...groups()]
    .filter(([group]) => group !== "")
    .map(([name, versions]) => {
      const gvs = [...versions.keys()].map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: gvs, preferredVersion: gvs[0] };
    });
  return { kind: "APIGroupList", apiVersion: "v1", groups: list };
}

/** Legacy `GET /api/v1` or `GET /apis/apps/v1`: each resource, then its subresources. */
export function apiResourceList(groupVersion: "v1" | "apps/v1"): object {
  const resources: Record<string, unknown>[] = [];
  for (const r of ALL_RESOURCES.filter((info) => apiVersionOf(info) === groupVersion)) {
    const entry: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsOf(r),
    };
    if (r.shortNames.length > 0) entry["shortNames"] = [...r.shortNames];
    if (r.categories.length > 0) entry["categories"] = [...r.categories];
    resources.push(entry);
    for (const s of r.subresources) {
      resources.push({
        name: `${r.resource}/${s}`,
        singularName: "",
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: subresourceVerbs(s),
      });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion, resources };
}
