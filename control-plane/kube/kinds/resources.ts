// The resource types the generic handlers serve from the store, derived from the registry:
// read by the store (as the key of each object), the API router and the CLI. A type is added
// by its kind file and one line in ./index.ts, never here.

import type { KindDescription } from "./kind.js";
import { KINDS } from "./index.js";

/** The plural names of the stored kinds: "nodes" | "pods" | …, from the registry's lines. */
export type ResourceName = Extract<(typeof KINDS)[number], { servedBy: "store" }>["resource"];

/** A stored kind's names, as the store, the router and the CLI read them. */
export interface ResourceInfo {
  /** Plural, lower case: the URL segment and the store's key. */
  resource: ResourceName;
  singular: string;
  kind: string;
  listKind: string;
  /** "" for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: string[];
}

export function resourceInfoOf(k: KindDescription): ResourceInfo {
  return {
    resource: k.resource as ResourceName,
    singular: k.singular,
    kind: k.kind,
    listKind: k.listKind,
    group: k.group,
    version: k.version,
    namespaced: k.namespaced,
    shortNames: [...k.shortNames],
    categories: [...k.categories],
    subresources: k.subresources.map((s) => s.name),
  };
}

/** One entry per stored kind, keyed by its plural name. */
export function resourceTable(kinds: readonly KindDescription[]): Record<string, ResourceInfo> {
  return Object.fromEntries(
    kinds.filter((k) => k.servedBy === "store").map((k) => [k.resource, resourceInfoOf(k)]),
  );
}

export const RESOURCES = resourceTable(KINDS) as Record<ResourceName, ResourceInfo>;

export const ALL_RESOURCES: ResourceInfo[] = Object.values(RESOURCES);

/** `v1` or `apps/v1`. */
export function apiVersionOf(info: Pick<KindDescription, "group" | "version">): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Finds a type by plural, singular, short name or kind (any case), as kubectl accepts. */
export function findResource(word: string): ResourceInfo | undefined {
  const w = word.toLowerCase().split(".")[0] ?? "";
  return ALL_RESOURCES.find(
    (r) => r.resource === w || r.singular === w || r.kind.toLowerCase() === w || r.shortNames.includes(w),
  );
}

export function resourceForKind(kind: string): ResourceInfo | undefined {
  return ALL_RESOURCES.find((r) => r.kind === kind);
}
