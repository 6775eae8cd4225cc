// Test support: lists where two known-fields checkers disagree, by probing them with bodies
// that hold one field each. Used to compare the registry's schema with the hand-written one.

import type { FieldTree } from "./known-fields.js";

type Check = (body: unknown) => string[];
type Segment = string | 0;

const PROBE = "zzProbe";

function bodyAt(segments: Segment[], leaf: unknown): unknown {
  let value = leaf;
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i] as Segment;
    value = s === 0 ? [value] : { [s]: value };
  }
  return value;
}

const show = (segments: Segment[]): string =>
  segments.map((s, i) => (s === 0 ? "[]" : i === 0 ? s : `.${s}`)).join("");

/** The names `tree` knows at its object positions, by path (lists as `[]`), to `maxDepth`. */
export function treePositions(
  tree: FieldTree,
  maxDepth = 24,
): Map<string, { segments: Segment[]; names: string[] }> {
  const out = new Map<string, { segments: Segment[]; names: string[] }>();
  const visit = (t: FieldTree, segments: Segment[]): void => {
    if (segments.length > maxDepth) return;
    if (t.kind === "list") visit(t.items, [...segments, 0]);
    else if (t.kind === "object") {
      out.set(show(segments), { segments, names: [...t.fields.keys()].sort() });
      for (const [name, sub] of t.fields) visit(sub, [...segments, name]);
    }
  };
  visit(tree, []);
  return out;
}

/** Whether `check` looks into the object at `segments` (it reports a probe field there). */
export function looksInto(check: Check, segments: Segment[]): boolean {
  const path = `${show(segments).replaceAll("[]", "[0]")}${segments.length ? "." : ""}${PROBE}`;
  return check(bodyAt([...segments, PROBE], 1)).includes(path);
}

/** Of `names`, those `check` knows in the object at `segments` (one body holds them all). */
export function knownNames(check: Check, segments: Segment[], names: Iterable<string>): string[] {
  const prefix = `${show(segments).replaceAll("[]", "[0]")}${segments.length ? "." : ""}`;
  const all = [...names];
  const reported = new Set(check(bodyAt(segments, Object.fromEntries(all.map((n) => [n, 1])))));
  return all.filter((n) => !reported.has(`${prefix}${n}`));
}

export interface Disagreement {
  /** Names the tree knows and the check reports as unknown, by path. */
  onlyInTree: Record<string, string[]>;
  /** Of `vocabulary`, names the check knows and the tree does not, by path. */
  onlyInCheck: Record<string, string[]>;
  /** Paths of objects the tree looks into and the check does not (free-form there). */
  notLookedInto: string[];
}

/**
 * Where `check` disagrees with `tree`, at the tree's object positions; names only the check
 * knows are found among `vocabulary`.
 */
export function disagreements(tree: FieldTree, check: Check, vocabulary: Iterable<string>): Disagreement {
  const result: Disagreement = { onlyInTree: {}, onlyInCheck: {}, notLookedInto: [] };
  const words = [...new Set(vocabulary)].filter((w) => w !== PROBE);
  const skipped: string[] = [];
  const under = (path: string, prefix: string) =>
    path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
  for (const [path, { segments, names }] of treePositions(tree)) {
    if (skipped.some((s) => under(path, s))) continue;
    if (!looksInto(check, segments)) {
      result.notLookedInto.push(path);
      skipped.push(path);
      continue;
    }
    const known = new Set(knownNames(check, segments, names));
    const missing = names.filter((n) => !known.has(n));
    if (missing.length > 0) result.onlyInTree[path] = missing;
    for (const n of missing) skipped.push(path ? `${path}.${n}` : n);
    const mine = new Set(names);
    const extra = knownNames(
      check,
      segments,
      words.filter((w) => !mine.has(w)),
    ).sort();
    if (extra.length > 0) result.onlyInCheck[path] = extra;
  }
  return result;
}

/** Every property name of every definition, and every key of a plain nested object. */
export function vocabularyOf(...sources: unknown[]): Set<string> {
  const words = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "object" && v !== null) {
      for (const [k, sub] of Object.entries(v)) {
        words.add(k);
        visit(sub);
      }
    }
  };
  sources.forEach(visit);
  return words;
}
