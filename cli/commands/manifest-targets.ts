// Where each object of a manifest goes: its type, namespace and API path, with kubectl's
// check that -n and the object's namespace agree.

import type { KubeObject } from "../../shared/api-types.js";
import type { ResourceInfo } from "../../control-plane/kube/index.js";
import { findResource, resourceForKind } from "../../control-plane/kube/index.js";
import { EverynodeError } from "../../shared/errors.js";
import type { ManifestObject } from "../manifests.js";
import { kindPrefix, resourcePath } from "../resource-args.js";

/** One manifest object with everything needed to send it. */
export interface Target {
  info: ResourceInfo;
  object: KubeObject;
  source: string;
  name: string;
  /** undefined for cluster-scoped types. */
  namespace: string | undefined;
  /** `daemonset.apps/nginx`, as messages name it. */
  display: string;
  collectionPath: string;
  itemPath: string;
}

/** Resolves a manifest object against the command's namespace. */
export function targetOf(m: ManifestObject, namespace: string, namespaceExplicit: boolean): Target {
  const kind = m.object.kind ?? "";
  const info = resourceForKind(kind) ?? findResource(kind);
  if (!info)
    throw new EverynodeError(
      "NotFound",
      `resource mapping not found for name: "${m.object.metadata.name ?? ""}" namespace: "${m.object.metadata.namespace ?? ""}" from "${m.source}": no matches for kind "${kind}" in version "${m.object.apiVersion ?? ""}"\nensure CRDs are installed first`,
    );
  const own = m.object.metadata.namespace;
  if (info.namespaced && own && namespaceExplicit && own !== namespace)
    throw new EverynodeError(
      "BadRequest",
      `the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`,
    );
  const ns = info.namespaced ? (own ?? namespace) : undefined;
  const name = m.object.metadata.name ?? "";
  if (!name && !m.object.metadata.generateName)
    throw new EverynodeError(
      "BadRequest",
      `error when retrieving current configuration of "${m.source}": resource name may not be empty`,
    );
  return {
    info,
    object: m.object,
    source: m.source,
    name,
    namespace: ns,
    display: `${kindPrefix(info)}/${name}`,
    collectionPath: resourcePath(info, ns),
    itemPath: resourcePath(info, ns, name),
  };
}

/** The namespace to write into an object (undefined for cluster-scoped types). */
export function withNamespace(obj: KubeObject, ns: string | undefined): KubeObject {
  if (ns === undefined) return obj;
  return { ...obj, metadata: { ...obj.metadata, namespace: ns } };
}

/** Parses --dry-run: none, client or server. */
export function parseDryRun(v: string | undefined): "none" | "client" | "server" {
  if (v === undefined || v === "none" || v === "false") return "none";
  if (v === "client" || v === "true") return "client";
  if (v === "server") return "server";
  throw new EverynodeError("Usage", `Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/** The suffix of a dry run's message. */
export function dryRunSuffix(mode: "none" | "client" | "server"): string {
  return mode === "client" ? " (dry run)" : mode === "server" ? " (server dry run)" : "";
}
