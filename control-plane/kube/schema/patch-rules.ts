// Strategic merge patch rules from the schema: where a list is merged item by item (by its
// `x-kubernetes-patch-merge-key`), merged as a set (a list of scalars with strategy merge),
// or replaced (no strategy: atomic). The apiserver reads these from its Go types' tags, which
// the OpenAPI extensions copy; `x-kubernetes-list-type` is server-side apply's and does not
// change how a strategic merge patch merges.

import type { Definition, Definitions } from "../openapi/definitions.js";
import { deref } from "./overlay.js";
import { perRegistry, resourceKinds, type Registry } from "./registry.js";

/** The patch rules at one position of an object (the shape strategic-merge-patch.ts reads). */
export interface PatchSchema {
  /** A list of objects merged item by item, matched by this field. */
  mergeKey?: string;
  /** A list of scalars merged as a set (finalizers, podCIDRs). */
  mergeSet?: boolean;
  /** Strategy retainKeys: a patch may carry `$retainKeys` here (volumes, resourceClaims). */
  retainKeys?: boolean;
  /** For a map: its fields. For a list: the fields of each item. */
  fields?: Record<string, PatchSchema>;
}

/** The rules a property's own extensions give (on the list, not on its items). */
function ownRules(prop: Definition): PatchSchema {
  const strategies = (prop["x-kubernetes-patch-strategy"] ?? "").split(",").map((s) => s.trim());
  const rules: PatchSchema = {};
  if (strategies.includes("merge")) {
    const key = prop["x-kubernetes-patch-merge-key"];
    if (key !== undefined) rules.mergeKey = key;
    else rules.mergeSet = true;
  }
  if (strategies.includes("retainKeys")) rules.retainKeys = true;
  return rules;
}

const isEmpty = (s: PatchSchema): boolean => Object.keys(s).length === 0;

/**
 * The rules below `def`, pruned to the positions that have any. A definition that contains
 * itself is cut at its second appearance on a path (patches that deep are merged as maps).
 */
function compile(
  defs: Definitions,
  def: Definition,
  memo: Map<string, PatchSchema | undefined>,
  open: Set<string>,
): PatchSchema | undefined {
  const { def: d, name } = deref(defs, def);
  if (name !== undefined) {
    if (memo.has(name)) return memo.get(name);
    if (open.has(name)) return undefined;
    open.add(name);
  }
  let result: PatchSchema | undefined;
  if (d.properties) {
    const fields: Record<string, PatchSchema> = {};
    for (const [key, prop] of Object.entries(d.properties)) {
      const rules = ownRules(prop);
      const resolved = deref(defs, prop).def;
      const inner = resolved.type === "array" && resolved.items ? resolved.items : prop;
      const below = compile(defs, inner, memo, open);
      if (below?.fields) rules.fields = below.fields;
      if (!isEmpty(rules)) fields[key] = rules;
    }
    if (Object.keys(fields).length > 0) result = { fields };
  }
  if (name !== undefined) {
    open.delete(name);
    memo.set(name, result);
  }
  return result;
}

/** The rules of a whole object of each kind, compiled once per registry. */
export const patchSchemas = perRegistry((r: Registry): ReadonlyMap<string, PatchSchema> => {
  const memo = new Map<string, PatchSchema | undefined>();
  return new Map(
    resourceKinds(r).map((k) => [
      k.resource,
      compile(r.definitions, r.definitionOf(k), memo, new Set()) ?? {},
    ]),
  );
});

/** The rules for a whole object of `resource` (`{}` for a kind without lists to merge). */
export function patchSchemaOf(registry: Registry, resource: string): PatchSchema {
  const schema = patchSchemas(registry).get(resource);
  if (schema === undefined) throw new Error(`no kind is served as ${resource}`);
  return schema;
}
