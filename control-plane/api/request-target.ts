// Turns a request path into the resource it names. Pure, so that every Kubernetes path shape
// everynode serves is listed (and tested) in one place; anything else is a 404.

import type { ResourceInfo } from "../kube/index.js";
import { ALL_RESOURCES } from "../kube/index.js";

/** What a resource URL addresses. */
export interface ResourceTarget {
  info: ResourceInfo;
  /** The namespace of a namespaced URL; undefined for cluster-scoped types or "all namespaces". */
  namespace?: string;
  name?: string;
  /** "status", "log", "eviction", ... */
  subresource?: string;
}

// Namespaces are the one cluster-scoped type whose item path can be followed by another
// segment that is not a resource: /api/v1/namespaces/{name}/status.
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

function lookup(group: string, version: string, plural: string): ResourceInfo | undefined {
  return ALL_RESOURCES.find((r) => r.group === group && r.version === version && r.resource === plural);
}

/** Parses `/api/v1/...` and `/apis/{group}/{version}/...`; undefined when nothing is served there. */
export function parseResourcePath(path: string): ResourceTarget | undefined {
  const parts = path.split("/").filter((p) => p !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api") {
    group = "";
    version = parts[1] ?? "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    group = parts[1] ?? "";
    version = parts[2] ?? "";
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (!version || rest.length === 0) return undefined;
  let decoded: string[];
  try {
    decoded = rest.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }

  // /namespaces/{ns}/{resource}[/{name}[/{sub}]]
  if (decoded[0] === "namespaces" && decoded.length >= 3 && !NAMESPACE_SUBRESOURCES.has(decoded[2] ?? "")) {
    const [, namespace, plural, name, subresource, ...extra] = decoded;
    if (extra.length > 0 || !plural) return undefined;
    const info = lookup(group, version, plural);
    if (!info || !info.namespaced) return undefined;
    return withOptional({ info, namespace }, name, subresource);
  }

  // /{resource}[/{name}[/{sub}]]: cluster-scoped items, or a namespaced type across namespaces.
  const [plural, name, subresource, ...extra] = decoded;
  if (extra.length > 0 || !plural) return undefined;
  const info = lookup(group, version, plural);
  if (!info) return undefined;
  if (info.namespaced && name !== undefined) return undefined;
  return withOptional({ info }, name, subresource);
}

function withOptional(
  target: ResourceTarget,
  name?: string,
  subresource?: string,
): ResourceTarget | undefined {
  if (name !== undefined) {
    if (name === "") return undefined;
    target.name = name;
  }
  if (subresource !== undefined) {
    if (!allowedSubresource(target.info, subresource)) return undefined;
    target.subresource = subresource;
  }
  return target;
}

function allowedSubresource(info: ResourceInfo, sub: string): boolean {
  return info.subresources.includes(sub);
}
