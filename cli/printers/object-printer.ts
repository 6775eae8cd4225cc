// -o yaml / json / name: the objects as the server stored them (managedFields left out),
// a List when several, keys sorted as kubectl's Go encoders sort them.

import { stringify } from "yaml";
import type { KubeObject } from "../../shared/api-types.js";
import { resourceForKind } from "../../control-plane/kube/index.js";

/** Recursively sorts object keys. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The object without metadata.managedFields (kubectl strips them from output). */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata || !("managedFields" in obj.metadata)) return obj;
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

/** One object, or a v1 List of them. */
export function asPrintable(objects: KubeObject[], single: boolean): unknown {
  const stripped = objects.map(stripManagedFields);
  if (single && stripped.length === 1) return stripped[0];
  return { apiVersion: "v1", items: stripped, kind: "List", metadata: { resourceVersion: "" } };
}

/** kubectl's -o yaml. */
export function toYaml(value: unknown): string {
  // YAML 1.1 quotes timestamp-like and yes/no strings, as kubectl's Go encoder does.
  return stringify(sortKeys(value), { indentSeq: false, lineWidth: 0, version: "1.1" });
}

/** kubectl's -o json: four-space indent. */
export function toJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4) + "\n";
}

/** kubectl's -o name: `daemonset.apps/nginx`. */
export function objectName(obj: KubeObject): string {
  const info = obj.kind ? resourceForKind(obj.kind) : undefined;
  const kind = info
    ? info.group
      ? `${info.singular}.${info.group}`
      : info.singular
    : (obj.kind ?? "").toLowerCase();
  return `${kind}/${obj.metadata.name ?? ""}`;
}
