// JSON merge patch (RFC 7386): kubectl label and client-node's MergePatch send it.

import { clone, getOwn, isObject, setOwn } from "./json-value.js";

// Recursion follows the patch, whose depth the body check bounds (json-bounds.ts).
function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, merge(getOwn(result, key), value));
  }
  return result;
}

/**
 * Applies an RFC 7386 merge patch: objects merge key by key, `null` deletes a key, any
 * other value (arrays included) replaces. Returns a new value; the inputs are not changed.
 */
export function applyJsonMergePatch(target: unknown, patch: unknown): unknown {
  return merge(clone(target), patch);
}
