// apply's patch: a JSON merge patch from what was applied last time (to delete what the
// user removed), what the user applies now, and what the server holds (to send only what
// differs). Lists are compared as "every element the user wrote is there, with the user's
// fields": the server's defaults inside list elements do not count as a change, and a
// changed list is sent whole.

import type { KubeObject } from "../shared/api-types.js";
import { sortKeys } from "./printers/object-printer.js";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether every field the user wrote (`wanted`) has that value in `actual` (which may hold more). */
export function coveredBy(wanted: unknown, actual: unknown): boolean {
  if (isMap(wanted)) {
    if (!isMap(actual)) return false;
    return Object.entries(wanted).every(([k, v]) =>
      v === null ? !(k in actual) || actual[k] === null : coveredBy(v, actual[k]),
    );
  }
  if (Array.isArray(wanted)) {
    if (!Array.isArray(actual) || actual.length !== wanted.length) return false;
    return wanted.every((w, i) => coveredBy(w, actual[i]));
  }
  return wanted === actual;
}

/** The JSON merge patch that takes `current` to `modified`, removing what `original` had and `modified` dropped. */
export function threeWayMergePatch(
  original: unknown,
  modified: unknown,
  current: unknown,
): Record<string, Json> {
  const patch: Record<string, Json> = {};
  const orig = isMap(original) ? original : {};
  const mod = isMap(modified) ? modified : {};
  const cur = isMap(current) ? current : {};
  for (const k of Object.keys(orig)) {
    if (!(k in mod) && k in cur) patch[k] = null;
  }
  for (const [k, v] of Object.entries(mod)) {
    const c = cur[k];
    if (isMap(v) && isMap(c)) {
      const sub = threeWayMergePatch(orig[k], v, c);
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else if (!coveredBy(v, c) || isMap(v) !== isMap(c)) {
      patch[k] = v as Json;
    }
  }
  return patch;
}

/** The last-applied annotation's value for an input: compact JSON (sorted keys) plus "\n". */
export function lastAppliedFor(input: KubeObject, namespace: string | undefined): string {
  const copy = structuredClone(input);
  copy.metadata = { ...copy.metadata, annotations: { ...(copy.metadata.annotations ?? {}) } };
  delete copy.metadata.annotations?.[LAST_APPLIED];
  if (namespace !== undefined) copy.metadata.namespace = namespace;
  return JSON.stringify(sortKeys(copy)) + "\n";
}

/** The object to send (or diff) on apply: the input, its namespace and the annotation. */
export function withLastApplied(input: KubeObject, namespace: string | undefined): KubeObject {
  const annotation = lastAppliedFor(input, namespace);
  const out = structuredClone(input);
  out.metadata = {
    ...out.metadata,
    ...(namespace !== undefined ? { namespace } : {}),
    annotations: { ...(out.metadata.annotations ?? {}), [LAST_APPLIED]: annotation },
  };
  return out;
}

/** What apply does with an existing object: nothing, or a merge patch. */
export function applyPatch(
  input: KubeObject,
  namespace: string | undefined,
  current: KubeObject,
): { patch: Record<string, Json> | undefined; missingAnnotation: boolean } {
  const raw = current.metadata.annotations?.[LAST_APPLIED];
  let original: unknown = undefined;
  if (raw) {
    try {
      original = JSON.parse(raw) as unknown;
    } catch {
      original = undefined;
    }
  }
  const modified = withLastApplied(input, namespace);
  const patch = threeWayMergePatch(original, modified, current);
  return { patch: Object.keys(patch).length > 0 ? patch : undefined, missingAnnotation: raw === undefined };
}
