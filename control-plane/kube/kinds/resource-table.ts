// The RESOURCES table (./resources.ts), derived from the registry: the kinds the generic
// handlers serve from the store, in registry order.

import type { KindDescription } from "./kind.js";
import type { ResourceName } from "./resources.js";

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
