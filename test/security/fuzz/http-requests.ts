// Hostile HTTP requests as fast-check arbitraries: create and replace bodies mutated from
// valid manifests (JSON and YAML, with YAML's own tricks), and patches of the four types.

import fc from "fast-check";
import { stringify as toYaml } from "yaml";
import type { Json } from "./hostile-values.js";
import { applyMutations, brief, HOSTILE_KEYS, hostileValue, mutationsOf } from "./hostile-values.js";
import type { Kind } from "./manifests.js";
import { collectionPath, FUZZ_DS, FUZZ_EVENT, FUZZ_NODE, FUZZ_NS, KINDS, manifestOf } from "./manifests.js";

export type Caller = "admin" | "node";

export interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  accept?: string;
  caller: Caller;
  /** Read only the status line (watches). */
  stream?: boolean;
  /** For failure messages: what was sent, abbreviated. */
  summary: string;
}

/** Names of the fixture's objects the requests aim at. */
export interface Targets {
  pod: string;
}

function itemName(kind: Kind, t: Targets): string {
  switch (kind) {
    case "nodes":
      return FUZZ_NODE;
    case "pods":
      return t.pod;
    case "daemonsets":
      return FUZZ_DS;
    case "namespaces":
      return FUZZ_NS;
    case "events":
      return FUZZ_EVENT;
  }
}

export function itemPath(kind: Kind, t: Targets): string {
  return `${collectionPath(kind)}/${itemName(kind, t)}`;
}

/** YAML documents that decode to things JSON cannot hold, or that expand. */
export const YAML_TRICKS = [
  "metadata:\n  name: !!binary aGVsbG8=\n",
  "metadata:\n  name: y\n  labels: !!binary aGVsbG8=\n",
  "metadata: !!set {a, b}\n",
  "metadata:\n  name: y\n  annotations: !!omap [a: b]\n",
  "metadata:\n  name: y\n  creationTimestamp: !!timestamp 2001-12-14t21:59:43.10-05:00\n",
  "spec: !!float .nan\n",
  "metadata:\n  name: 0x1F\n",
  "metadata: &a {name: y}\nspec: {<<: *a}\n",
  "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
  "--- {metadata: {name: a}}\n--- {metadata: {name: b}}\n",
  "metadata: {name: y, name: z}\n",
  "? [a, b]\n: c\n",
  "metadata:\n  name: !!str\n  labels: !!map\n",
  "!!binary aGVsbG8=\n",
];

const query = fc.record(
  {
    dryRun: fc.constantFrom("All", "", "None", "all"),
    fieldValidation: fc.constantFrom("Strict", "Warn", "Ignore", "strict", ""),
    fieldManager: fc.oneof(fc.string({ maxLength: 8 }), fc.constant("x".repeat(200))),
  },
  { requiredKeys: [] },
);

function withQuery(path: string, q: Record<string, string>): string {
  const qs = new URLSearchParams(q).toString();
  return qs ? `${path}?${qs}` : path;
}

const encode = fc.constantFrom<"json" | "yaml">("json", "json", "yaml");

function serialize(doc: Json, as: "json" | "yaml"): { body: string; contentType: string } {
  if (as === "yaml") {
    try {
      return { body: toYaml(doc, { aliasDuplicateObjects: false }), contentType: "application/yaml" };
    } catch {
      // Too deep for the YAML writer: send it as JSON.
    }
  }
  return { body: JSON.stringify(doc), contentType: "application/json" };
}

/** POST to a collection or PUT to an item, of a mutated manifest. */
export function bodyRequest(t: Targets): fc.Arbitrary<FuzzRequest> {
  return fc
    .constantFrom(...KINDS)
    .chain((kind) => {
      const seed = manifestOf(kind, `fz-${kind.slice(0, 3)}`);
      return fc.record({
        kind: fc.constant(kind),
        put: fc.boolean(),
        mutations: mutationsOf(seed),
        as: encode,
        q: query,
        caller: fc.constantFrom<Caller>("admin", "admin", "admin", "node"),
        trick: fc.option(fc.constantFrom(...YAML_TRICKS), { freq: 8 }),
      });
    })
    .map(({ kind, put, mutations, as, q, caller, trick }) => {
      const seed = manifestOf(kind, put ? itemName(kind, t) : `fz-${kind.slice(0, 3)}`);
      const doc = applyMutations(seed, mutations);
      const { body, contentType } = trick
        ? { body: trick, contentType: "application/yaml" }
        : serialize(doc, as);
      const path = withQuery(put ? itemPath(kind, t) : collectionPath(kind), q);
      return {
        method: put ? "PUT" : "POST",
        path,
        body,
        contentType,
        caller,
        summary: `${put ? "PUT" : "POST"} ${path} as ${caller} (${contentType}): ${trick ? JSON.stringify(trick) : brief(mutations)}`,
      };
    });
}

const pointerSegment = fc.oneof(
  fc.constantFrom("metadata", "labels", "annotations", "spec", "status", "template", "containers", "0", "-"),
  fc.constantFrom(...HOSTILE_KEYS.map((k) => k.replace(/~/g, "~0").replace(/\//g, "~1"))),
  fc.constantFrom("~", "~2", "01", "999999999999", "-1"),
  fc.string({ maxLength: 6 }),
);
const pointer = fc.oneof(
  fc.constantFrom(
    "",
    "/",
    "/metadata/labels/x",
    "/metadata/annotations/x",
    "/spec",
    "/status",
    "/metadata/name",
    "/metadata/resourceVersion",
    "/spec/template/spec/containers/0/image",
    "/spec/containers/-",
  ),
  fc.array(pointerSegment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join("/")}`),
);
const jsonPatchOp = fc.record(
  {
    op: fc.constantFrom("add", "remove", "replace", "move", "copy", "test", "bogus", "ADD", ""),
    path: pointer,
    from: pointer,
    value: hostileValue,
  },
  { requiredKeys: ["op", "path"] },
);

const PATCHABLE: { kind: Kind; sub?: string; caller: Caller }[] = [
  { kind: "nodes", caller: "admin" },
  { kind: "nodes", caller: "node" },
  { kind: "nodes", sub: "status", caller: "node" },
  { kind: "pods", caller: "admin" },
  { kind: "pods", sub: "status", caller: "node" },
  { kind: "daemonsets", caller: "admin" },
  { kind: "daemonsets", sub: "status", caller: "admin" },
  { kind: "namespaces", caller: "admin" },
  { kind: "events", caller: "admin" },
];

function patchTarget(t: Targets, i: number): { path: string; caller: Caller; kind: Kind } {
  const p = PATCHABLE[i % PATCHABLE.length] as (typeof PATCHABLE)[number];
  return { path: itemPath(p.kind, t) + (p.sub ? `/${p.sub}` : ""), caller: p.caller, kind: p.kind };
}

function patchRequest(
  path: string,
  caller: Caller,
  body: string,
  contentType: string,
  q: Record<string, string>,
) {
  const full = withQuery(path, q);
  return {
    method: "PATCH",
    path: full,
    body,
    contentType,
    caller,
    summary: `PATCH ${full} as ${caller} (${contentType}): ${brief(body.length > 2000 ? `<${body.length} bytes> ${body.slice(0, 300)}` : body)}`,
  };
}

/** JSON patches: lists of (mostly) wrong operations. */
export function jsonPatchRequest(t: Targets): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({ target: fc.nat(), ops: fc.array(jsonPatchOp, { maxLength: 8 }), q: query })
    .map(({ target, ops, q }) => {
      const { path, caller } = patchTarget(t, target);
      return patchRequest(path, caller, JSON.stringify(ops), "application/json-patch+json", q);
    });
}

/**
 * Copy and move bombs: each copy puts a parent into its own child, doubling the document.
 * `doublings` ops of a `seedBytes` string would make 2^doublings copies.
 */
export function copyBomb(doublings: number, seedBytes: number, op: "copy" | "move" = "copy"): unknown[] {
  const ops: unknown[] = [
    { op: "add", path: "/metadata/annotations", value: { bomb: "b".repeat(seedBytes) } },
  ];
  for (let i = 0; i < doublings; i++) {
    ops.push({ op: "copy", from: "/metadata/annotations", path: `/metadata/annotations/c${i}` });
    // A move keeps the size but churns; mixed in, it must not help a bomb either.
    if (op === "move")
      ops.push({ op: "move", from: `/metadata/annotations/c${i}`, path: `/metadata/annotations/m${i}` });
  }
  return ops;
}

export function bombRequest(t: Targets): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target: fc.nat(),
      doublings: fc.integer({ min: 8, max: 40 }),
      seedBytes: fc.integer({ min: 1, max: 4096 }),
      op: fc.constantFrom<"copy" | "move">("copy", "move"),
      q: query,
    })
    .map(({ target, doublings, seedBytes, op, q }) => {
      const { path, caller } = patchTarget(t, target);
      const body = JSON.stringify(copyBomb(doublings, seedBytes, op));
      const req = patchRequest(path, caller, body, "application/json-patch+json", q);
      return {
        ...req,
        summary: `PATCH ${req.path} as ${caller}: ${op} bomb of ${doublings} doublings of ${seedBytes} bytes`,
      };
    });
}

const STRATEGIC_KEYS = [
  "$patch",
  "$retainKeys",
  "$setElementOrder/containers",
  "$deleteFromPrimitiveList/args",
];

/** Merge, strategic merge and apply patches made from mutated manifests. */
export function objectPatchRequest(t: Targets): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target: fc.nat(),
      type: fc.constantFrom("merge", "strategic", "apply"),
      directive: fc.option(
        fc.tuple(
          fc.constantFrom(...STRATEGIC_KEYS),
          fc.constantFrom<Json>("delete", "replace", "merge", "x", [], {}),
        ),
        { freq: 3 },
      ),
      as: encode,
      q: query,
    })
    .chain(({ target, type, directive, as, q }) => {
      const { path, caller, kind } = patchTarget(t, target);
      const name = path.split("/")[path.split("/").length - (path.endsWith("/status") ? 2 : 1)] ?? "";
      const seed = manifestOf(kind, name);
      return mutationsOf(seed).map((mutations) => {
        const doc = applyMutations(seed, mutations);
        if (directive && doc && typeof doc === "object" && !Array.isArray(doc)) {
          const spec = ((doc as Record<string, Json>).spec ?? {}) as Record<string, Json>;
          if (spec && typeof spec === "object" && !Array.isArray(spec)) spec[directive[0]] = directive[1];
        }
        const contentType =
          type === "merge"
            ? "application/merge-patch+json"
            : type === "strategic"
              ? "application/strategic-merge-patch+json"
              : "application/apply-patch+yaml";
        const body = type === "apply" ? serialize(doc, as).body : JSON.stringify(doc);
        const query = type === "apply" ? { fieldManager: "fuzz", ...q } : q;
        const req = patchRequest(path, caller, body, contentType, query);
        return { ...req, summary: `${req.summary} mutations=${brief(mutations)}` };
      });
    });
}
