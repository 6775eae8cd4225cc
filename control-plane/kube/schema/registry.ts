// A registry: a list of kind descriptions with their schema set, checked once at startup
// (unique names, every definition present). The derivations (known fields, patch rules,
// OpenAPI, discovery) read a registry and cache what they compute on it.

import type { KindDescription } from "../kinds/kind.js";
import { type Definition, type Definitions, KUBERNETES_DEFINITIONS } from "../openapi/definitions.js";
import { buildDefinitions, definitionNamed } from "./overlay.js";

export interface Registry {
  /** In registry order (discovery and the OpenAPI documents list them so). */
  readonly kinds: readonly KindDescription[];
  /** Vendored + everynode's own + overlays. */
  readonly definitions: Definitions;
  /**
   * The kind served at this plural resource name. Unique across groups but for the read-only
   * router kinds that mirror a stored one (metrics.k8s.io's nodes and pods): the stored
   * kind is the one meant (byGroupResource finds the other).
   */
  byResource(resource: string): KindDescription | undefined;
  /** The kind of a group ("" the core) at this plural name (unique within a group, checked). */
  byGroupResource(group: string, resource: string): KindDescription | undefined;
  byKind(group: string, version: string, kind: string): KindDescription | undefined;
  /** The root definition of a kind, or of its list. */
  definitionOf(kind: KindDescription, list?: boolean): Definition;
}

export function buildRegistry(
  kinds: readonly KindDescription[],
  base: Definitions = KUBERNETES_DEFINITIONS,
): Registry {
  const definitions = buildDefinitions(kinds, base);
  const byResource = new Map<string, KindDescription>();
  const byGroupResource = new Map<string, KindDescription>();
  const byGvk = new Map<string, KindDescription>();
  const gvk = (g: string, v: string, k: string) => `${g}/${v}/${k}`;
  for (const k of kinds) {
    const groupResource = `${k.group}/${k.resource}`;
    if (byGroupResource.has(groupResource))
      throw new Error(`two kinds are served as ${k.resource}${k.group ? `.${k.group}` : ""}`);
    byGroupResource.set(groupResource, k);
    const other = byResource.get(k.resource);
    const mirror = (x: KindDescription) => x.servedBy === "router" && x.published === true;
    if (other && !mirror(k) && !mirror(other)) throw new Error(`two kinds are served as ${k.resource}`);
    if (!other || mirror(other)) byResource.set(k.resource, k);
    byGvk.set(gvk(k.group, k.version, k.kind), k);
    for (const name of [k.definition, `${k.definition}List`]) {
      if (!definitionNamed(definitions, name)) throw new Error(`${k.kind}: no definition ${name}`);
    }
  }
  for (const k of kinds) {
    for (const s of k.shortNames) {
      if (kinds.some((o) => o !== k && (o.shortNames.includes(s) || o.resource === s)))
        throw new Error(`the short name ${s} of ${k.kind} is taken`);
    }
  }
  return {
    kinds,
    definitions,
    byResource: (resource) => byResource.get(resource),
    byGroupResource: (group, resource) => byGroupResource.get(`${group}/${resource}`),
    byKind: (g, v, k) => byGvk.get(gvk(g, v, k)),
    definitionOf: (k, list = false) =>
      definitionNamed(definitions, list ? `${k.definition}List` : k.definition) as Definition,
  };
}

/** The kinds byResource answers for: one per plural name (the stored kind where two share it). */
export function resourceKinds(r: Registry): KindDescription[] {
  return r.kinds.filter((k) => r.byResource(k.resource) === k);
}

/** Caches one value per registry (the registries of tests come and go). */
export function perRegistry<T>(compute: (r: Registry) => T): (r: Registry) => T {
  const cache = new WeakMap<Registry, T>();
  return (r) => {
    let value = cache.get(r);
    if (value === undefined) {
      value = compute(r);
      cache.set(r, value);
    }
    return value;
  };
}
