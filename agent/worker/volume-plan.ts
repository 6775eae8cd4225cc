// The files of a pod's configMap, secret, downwardAPI and projected volumes, as the kubelet
// lays them out: every key (or the `items` asked for, at their paths), with `defaultMode`
// or the item's `mode`. A required object or key that is missing is an error in the
// kubelet's words; an optional one gives no files. Pure: writing is atomic-volume.ts's.

import path from "node:path";
import type { Container, Pod, Volume } from "../../shared/api-types.js";
import type { DeliveredObject } from "../../shared/config-delivery.js";
import type { ConfigLookup } from "./env-sources.js";
import { fieldRefValue, resourceFieldValue, type PodFacts } from "./env.js";
import { tokenFileMode } from "./security-spec.js";

export interface VolumeFile {
  /** Relative to the volume's root, without `..`. */
  path: string;
  data: Buffer;
  /** Permission bits (0644 unless the spec says otherwise). */
  mode: number;
}

/** The volume kinds whose files the agent writes. */
export const CONFIG_VOLUME_KINDS = ["configMap", "secret", "downwardAPI", "projected"] as const;

/** Kubernetes' default `defaultMode`: 0644. */
const DEFAULT_MODE = 0o644;

interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

interface ObjectSource {
  name?: string;
  secretName?: string;
  items?: KeyToPath[];
  optional?: boolean;
  defaultMode?: number;
}

interface DownwardItem {
  path: string;
  fieldRef?: { fieldPath: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
  mode?: number;
}

interface TokenSource {
  path: string;
  audience?: string;
  expirationSeconds?: number;
}

interface ProjectedSource {
  configMap?: ObjectSource;
  secret?: ObjectSource;
  downwardAPI?: { items?: DownwardItem[] };
  serviceAccountToken?: TokenSource;
}

/** A projected token's file: the agent fetched it before the volume is written. */
function tokenFile(source: TokenSource, facts: PodFacts, mode: number): VolumeFile[] {
  const token = facts.serviceAccountToken?.(source);
  if (token === undefined) throw new Error("failed to fetch token: not fetched yet");
  return [{ path: checkedPath(source.path), data: Buffer.from(token), mode }];
}

/** Whether the agent writes this volume's files. */
export function isConfigVolume(volume: Volume): boolean {
  return CONFIG_VOLUME_KINDS.some((k) => volume[k] !== undefined && volume[k] !== null);
}

/** A file path the volume may hold: relative, no `..`, no empty part. */
function checkedPath(p: string): string {
  const parts = p.split("/");
  if (p === "" || path.isAbsolute(p) || parts.some((s) => s === ".." || s === ""))
    throw new Error(`invalid path ${JSON.stringify(p)}: must be relative and must not contain '..'`);
  return p;
}

/** Go's %q for the label and annotation files: close enough with JSON's escaping. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? "")}`)
    .join("\n");
}

function objectFiles(
  kind: "ConfigMap" | "Secret",
  source: ObjectSource,
  lookup: ConfigLookup,
  namespace: string,
  defaultMode: number,
): VolumeFile[] {
  const name = (kind === "ConfigMap" ? source.name : (source.secretName ?? source.name)) ?? "";
  const o = kind === "ConfigMap" ? lookup.configMap(namespace, name) : lookup.secret(namespace, name);
  if (!o) {
    if (source.optional === true) return [];
    throw new Error(`${kind.toLowerCase()} "${name}" not found`);
  }
  const values = valuesOf(kind, o);
  const mode = source.defaultMode ?? defaultMode;
  if (!source.items?.length)
    return [...values].map(([key, data]) => ({ path: checkedPath(key), data, mode }));
  const out: VolumeFile[] = [];
  for (const item of source.items) {
    const data = values.get(item.key);
    if (data === undefined) {
      if (source.optional === true) continue;
      throw new Error(
        kind === "ConfigMap"
          ? `configmap references non-existent config key: ${item.key}`
          : `references non-existent secret key: ${item.key}`,
      );
    }
    out.push({ path: checkedPath(item.path), data, mode: item.mode ?? mode });
  }
  return out;
}

function valuesOf(kind: "ConfigMap" | "Secret", o: DeliveredObject): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(o.data ?? {}))
    out.set(k, kind === "Secret" ? Buffer.from(v, "base64") : Buffer.from(v, "utf8"));
  for (const [k, v] of Object.entries(o.binaryData ?? {})) out.set(k, Buffer.from(v, "base64"));
  return out;
}

function downwardFiles(pod: Pod, items: DownwardItem[], facts: PodFacts, defaultMode: number): VolumeFile[] {
  return items.map((item) => {
    let text: string;
    if (item.fieldRef) {
      const fieldPath = item.fieldRef.fieldPath;
      if (fieldPath === "metadata.labels") text = formatMap(pod.metadata.labels);
      else if (fieldPath === "metadata.annotations") text = formatMap(pod.metadata.annotations);
      else text = fieldRefValue(pod, fieldPath, facts) ?? "";
    } else if (item.resourceFieldRef) {
      const ref = item.resourceFieldRef;
      const container = pod.spec.containers.find((c) => c.name === ref.containerName) as
        Container | undefined;
      if (!container)
        throw new Error(`resourceFieldRef names no container ${JSON.stringify(ref.containerName)}`);
      text = resourceFieldValue(pod, container, ref, facts);
    } else text = "";
    return { path: checkedPath(item.path), data: Buffer.from(text, "utf8"), mode: item.mode ?? defaultMode };
  });
}

/**
 * The files of one volume; throws the kubelet's message when a required object or key is
 * missing. A projected volume's sources are merged in order (a later file wins its path).
 */
export function planVolume(pod: Pod, volume: Volume, lookup: ConfigLookup, facts: PodFacts): VolumeFile[] {
  const ns = pod.metadata.namespace ?? "default";
  if (volume.configMap)
    return objectFiles("ConfigMap", volume.configMap as ObjectSource, lookup, ns, DEFAULT_MODE);
  if (volume.secret) return objectFiles("Secret", volume.secret as ObjectSource, lookup, ns, DEFAULT_MODE);
  if (volume.downwardAPI) {
    const d = volume.downwardAPI as { items?: DownwardItem[]; defaultMode?: number };
    return downwardFiles(pod, d.items ?? [], facts, d.defaultMode ?? DEFAULT_MODE);
  }
  const projected = volume.projected as { sources?: ProjectedSource[]; defaultMode?: number } | undefined;
  if (!projected) return [];
  const mode = projected.defaultMode ?? DEFAULT_MODE;
  const byPath = new Map<string, VolumeFile>();
  for (const s of projected.sources ?? []) {
    const files = s.configMap
      ? objectFiles("ConfigMap", { ...s.configMap, defaultMode: mode }, lookup, ns, mode)
      : s.secret
        ? objectFiles("Secret", { ...s.secret, defaultMode: mode }, lookup, ns, mode)
        : s.downwardAPI
          ? downwardFiles(pod, s.downwardAPI.items ?? [], facts, mode)
          : s.serviceAccountToken
            ? tokenFile(s.serviceAccountToken, facts, tokenFileMode(pod, mode))
            : [];
    for (const f of files) byPath.set(f.path, f);
  }
  return [...byPath.values()];
}
