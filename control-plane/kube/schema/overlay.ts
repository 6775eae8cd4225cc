// The schema set of a registry: the vendored definitions, everynode's own, and the fields the
// kinds' overlays add. The vendored objects are never changed: a definition an overlay
// touches is copied with the new properties.

import type { KindDescription } from "../kinds/kind.js";
import { type Definition, type Definitions, refName } from "../openapi/definitions.js";

/** The definition of this name, looked up as an own property only. */
export function definitionNamed(defs: Definitions, name: string): Definition | undefined {
  return Object.hasOwn(defs, name) ? defs[name] : undefined;
}

/** Follows `$ref`s to the definition that has the content; with its name when it has one. */
export function deref(defs: Definitions, def: Definition): { def: Definition; name?: string } {
  let current = def;
  let name: string | undefined;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    name = refName(current.$ref);
    const next = name === undefined ? undefined : definitionNamed(defs, name);
    if (next === undefined || hops > 32) throw new Error(`unresolvable $ref ${current.$ref}`);
    current = next;
  }
  return name === undefined ? { def: current } : { def: current, name };
}

/** The name of the definition at a dotted path of a kind (lists are gone through to their items). */
export function definitionAtPath(defs: Definitions, root: string, path: string): string {
  let name = root;
  let def = definitionNamed(defs, root);
  if (def === undefined) throw new Error(`no definition ${root}`);
  for (const segment of path.split(".")) {
    const props = deref(defs, def).def.properties;
    if (!props || !Object.hasOwn(props, segment)) throw new Error(`${root} has no field ${path}`);
    let next: Definition = props[segment] as Definition;
    while (next.type === "array" && next.items) next = next.items;
    const target = deref(defs, next);
    if (target.name === undefined) throw new Error(`${path} of ${root} is not a named definition`);
    name = target.name;
    def = target.def;
  }
  return name;
}

/**
 * The definitions of `kinds` over `base`: their own definitions added (a clash with an
 * upstream name is an error) and their overlays applied. Throws when an overlay would replace
 * a field, or when two overlays give the same new field different schemas.
 */
export function buildDefinitions(kinds: readonly KindDescription[], base: Definitions): Definitions {
  const defs: Record<string, Definition> = { ...base };
  for (const kind of kinds) {
    for (const [name, def] of Object.entries(kind.definitions ?? {})) {
      if (Object.hasOwn(defs, name) && defs[name] !== def)
        throw new Error(`${kind.kind} defines ${name}, which already exists`);
      defs[name] = def;
    }
  }
  const added = new Map<string, Set<string>>();
  for (const kind of kinds) {
    for (const [path, { properties }] of Object.entries(kind.overlay ?? {})) {
      const name = definitionAtPath(defs, kind.definition, path);
      const current = defs[name] as Definition;
      const mine = added.get(name) ?? new Set<string>();
      const merged: Record<string, Definition> = { ...(current.properties ?? {}) };
      for (const [field, schema] of Object.entries(properties)) {
        if (Object.hasOwn(merged, field)) {
          const same = mine.has(field) && JSON.stringify(merged[field]) === JSON.stringify(schema);
          if (!same)
            throw new Error(`the overlay of ${kind.kind} at ${path} would replace ${name}'s field ${field}`);
        }
        merged[field] = schema;
        mine.add(field);
      }
      added.set(name, mine);
      defs[name] = { ...current, properties: merged };
    }
  }
  return defs;
}
