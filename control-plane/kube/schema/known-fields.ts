// Unknown fields for `fieldValidation=Strict`: the dotted paths of a body's fields that the
// kind's schema does not know, as the API server's strict decoder reports them. Each kind's
// schema is compiled once into a lookup tree (field names in Maps, so that `__proto__` or
// `constructor` in a body is just an unknown name); the walk runs on every write.

import type { KindDescription } from "../kinds/kind.js";
import type { Definition, Definitions } from "../openapi/definitions.js";
import { deref } from "./overlay.js";
import { perRegistry, resourceKinds, type Registry } from "./registry.js";

/** What the walk does at one position of a body. */
export type FieldTree =
  /** Scalars (also IntOrString, Quantity, Time) and free-form objects: not looked into. */
  | { kind: "leaf" }
  /** A struct: known names are looked into; with `open`, other names are kept, not reported. */
  | { kind: "object"; fields: Map<string, FieldTree>; open: boolean }
  /** A map: any key; values are looked into. */
  | { kind: "map"; values: FieldTree }
  | { kind: "list"; items: FieldTree };

const LEAF: FieldTree = { kind: "leaf" };

/** Deeper than this (objects and lists the schema describes), a body is refused. */
export const MAX_DEPTH = 64;

/**
 * The tree of a definition. Named definitions are compiled once (trees share them), and a
 * definition that contains itself makes a cyclic tree rather than endless recursion.
 */
export function compileFieldTree(
  defs: Definitions,
  def: Definition,
  memo = new Map<string, FieldTree>(),
): FieldTree {
  const { def: d, name } = deref(defs, def);
  if (name !== undefined) {
    const seen = memo.get(name);
    if (seen) return seen;
  }
  if (d["x-kubernetes-preserve-unknown-fields"] === true && !d.properties) return LEAF;
  let tree: FieldTree;
  if (d.properties) {
    const fields = new Map<string, FieldTree>();
    tree = { kind: "object", fields, open: d["x-kubernetes-preserve-unknown-fields"] === true };
    if (name !== undefined) memo.set(name, tree);
    for (const [key, sub] of Object.entries(d.properties)) fields.set(key, compileFieldTree(defs, sub, memo));
    return tree;
  }
  if (d.type === "array" && d.items) {
    const list: { kind: "list"; items: FieldTree } = { kind: "list", items: LEAF };
    if (name !== undefined) memo.set(name, list);
    list.items = compileFieldTree(defs, d.items, memo);
    tree = list;
  } else if (d.additionalProperties !== undefined && d.additionalProperties !== false) {
    const map: { kind: "map"; values: FieldTree } = { kind: "map", values: LEAF };
    if (name !== undefined) memo.set(name, map);
    if (d.additionalProperties !== true) map.values = compileFieldTree(defs, d.additionalProperties, memo);
    tree = map;
  } else {
    tree = LEAF;
  }
  if (name !== undefined) memo.set(name, tree);
  return tree;
}

/** Every kind's tree, compiled once per registry (at startup for the server's). */
export const fieldTrees = perRegistry((r: Registry): ReadonlyMap<string, FieldTree> => {
  const memo = new Map<string, FieldTree>();
  return new Map(
    resourceKinds(r).map((k) => [k.resource, compileFieldTree(r.definitions, r.definitionOf(k), memo)]),
  );
});

export interface UnknownFields {
  /** Dotted paths, in the body's order: `spec.template.spec.containers[0].imagePolicy`. */
  paths: string[];
  /** The body nests deeper than MAX_DEPTH where the schema looks; it was not walked further. */
  tooDeep: boolean;
  /** Where it first went too deep (a dotted path), when `tooDeep`. */
  tooDeepAt?: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One walk: collects unknown paths and, when `drop`, deletes those fields from the body. */
interface Walk extends UnknownFields {
  drop: boolean;
}

function walk(value: unknown, tree: FieldTree, path: string, depth: number, out: Walk): void {
  if (tree.kind === "leaf") return;
  if (depth > MAX_DEPTH) {
    if (!out.tooDeep) out.tooDeepAt = path;
    out.tooDeep = true;
    return;
  }
  if (tree.kind === "list") {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, tree.items, `${path}[${i}]`, depth + 1, out));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const p = path ? `${path}.${key}` : key;
    const sub = tree.kind === "map" ? tree.values : tree.fields.get(key);
    if (sub !== undefined) walk(value[key], sub, p, depth + 1, out);
    else if (tree.kind === "object" && !tree.open) {
      out.paths.push(p);
      if (out.drop) delete value[key];
    }
  }
}

function run(tree: FieldTree, body: unknown, drop: boolean): UnknownFields {
  const out: Walk = { paths: [], tooDeep: false, drop };
  walk(body, tree, "", 0, out);
  const { paths, tooDeep, tooDeepAt } = out;
  return tooDeepAt === undefined ? { paths, tooDeep } : { paths, tooDeep, tooDeepAt };
}

/** The fields of `body` that `tree` does not know. */
export function findUnknownFields(tree: FieldTree, body: unknown): UnknownFields {
  return run(tree, body, false);
}

function treeOf(registry: Registry, kind: KindDescription | string): FieldTree {
  const resource = typeof kind === "string" ? kind : kind.resource;
  const tree = fieldTrees(registry).get(resource);
  if (tree === undefined) throw new Error(`no kind is served as ${resource}`);
  return tree;
}

/** The unknown fields of a body of `kind` (by its plural resource name). */
export function unknownFieldsOf(
  registry: Registry,
  kind: KindDescription | string,
  body: unknown,
): UnknownFields {
  return run(treeOf(registry, kind), body, false);
}

/**
 * Removes the fields of `body` that `kind` does not know, in place, as the API server's
 * decoder drops them, and says which. Below a `tooDeep` point nothing was looked at.
 */
export function dropUnknownFields(
  registry: Registry,
  kind: KindDescription | string,
  body: unknown,
): UnknownFields {
  return run(treeOf(registry, kind), body, true);
}
