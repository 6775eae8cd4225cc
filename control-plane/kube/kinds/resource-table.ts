// shared/resources.ts's RESOURCES table, derived from the registry: the kinds the generic
// handlers serve from the store, in registry order.

import type { ResourceInfo } from "../../../shared/resources.js";
import type { KindDescription } from "./kind.js";

export function resourceInfoOf(k: KindDescription): ResourceInfo {
  return {
    resource: k.resource as ResourceInfo["resource"],
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
