// The fields `?fieldSelector=` may name for a kind, as functions: metadata.name and
// metadata.namespace for every kind, then the kind's own.

import type { KubeObject } from "../../../shared/api-types.js";
import type { KindDescription } from "./kind.js";

export type FieldReader = (object: KubeObject) => unknown;

/** Reads a dotted path with own-property lookups; anything missing is undefined. */
export function readPath(path: string): FieldReader {
  const parts = path.split(".");
  return (object) => {
    let node: unknown = object;
    for (const p of parts) {
      if (typeof node !== "object" || node === null || !Object.hasOwn(node, p)) return undefined;
      node = (node as Record<string, unknown>)[p];
    }
    return node;
  };
}

/** A null-prototype map from field name to reader, so that no inherited name is selectable. */
export function selectableFields(kind: KindDescription): Readonly<Record<string, FieldReader>> {
  const fields: Record<string, FieldReader> = Object.create(null) as Record<string, FieldReader>;
  fields["metadata.name"] = readPath("metadata.name");
  fields["metadata.namespace"] = readPath("metadata.namespace");
  for (const [name, getter] of Object.entries(kind.fieldSelectors))
    fields[name] = typeof getter === "string" ? readPath(getter) : getter;
  return fields;
}
