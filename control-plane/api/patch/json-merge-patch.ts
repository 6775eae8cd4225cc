// JSON merge patch (RFC 7386): kubectl label and client-node's MergePatch send it.

import { clone, isObject } from "./json-value.js";

function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = merge(result[key], value);
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
