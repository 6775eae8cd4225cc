// The definitions a document needs: those its roots reach through $ref, in name order.

import { type Definitions, refName } from "../openapi/definitions.js";
import { definitionNamed } from "./overlay.js";

/** Every `$ref` target inside a JSON value (definitions, or a document's paths). */
export function refsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (typeof value === "object" && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === "$ref" && typeof v === "string") out.add(v);
      else refsIn(v, out);
    }
  }
  return out;
}

/** The names of the definitions `roots` reach, themselves included, sorted. */
export function reachableDefinitions(defs: Definitions, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    const def = definitionNamed(defs, name);
    if (def === undefined) throw new Error(`no definition ${name}`);
    seen.add(name);
    for (const ref of refsIn(def)) {
      const target = refName(ref);
      if (target !== undefined && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen].sort();
}
