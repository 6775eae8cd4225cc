// Strategic merge patch, the subset kubectl sends (apply, taint, cordon): merge-patch
// semantics on maps, lists replaced unless the schema gives them a merge key, and the
// directives `$patch`, `$retainKeys`, `$setElementOrder/<list>` and
// `$deleteFromPrimitiveList/<list>`.

import { EverynodeError } from "../../../shared/errors.js";
import type { ResourceName } from "../../../shared/resources.js";
import { clone, isObject, jsonEqual, type JsonObject } from "./json-value.js";
import { patchSchemaFor, type PatchSchema } from "./strategic-schema.js";

const PATCH = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ORDER = "$setElementOrder/";
const DELETE_FROM = "$deleteFromPrimitiveList/";

/** Marks a map that `$patch: delete` removed. */
const DELETED = Symbol("deleted");

const bad = (message: string) =>
  new EverynodeError("BadRequest", `invalid strategic merge patch: ${message}`);

function isDirectiveKey(key: string): boolean {
  return key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM);
}

function stringList(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) throw bad(`${key} must be a list`);
  return value;
}

/** Merges a patch map into an original map (absent = empty). */
function mergeMap(
  original: JsonObject | undefined,
  patch: JsonObject,
  schema: PatchSchema | undefined,
): JsonObject | typeof DELETED {
  const directive = patch[PATCH];
  if (directive === "delete") return DELETED;
  if (directive === "replace") {
    const rest = { ...patch };
    delete rest[PATCH];
    return mergeMap(undefined, rest, schema);
  }
  if (directive !== undefined && directive !== "merge")
    throw bad(`unknown $patch directive ${JSON.stringify(directive)}`);

  const result: JsonObject = original ? { ...original } : {};
  if (patch[RETAIN_KEYS] !== undefined) {
    // Keys the patch does not keep are cleared from the original first; the patch then applies.
    const keep = new Set(stringList(patch[RETAIN_KEYS], RETAIN_KEYS).map(String));
    for (const key of Object.keys(result)) if (!keep.has(key)) delete result[key];
  }
  for (const [key, values] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM)) continue;
    const list = key.slice(DELETE_FROM.length);
    const current = result[list];
    const remove = stringList(values, key);
    if (Array.isArray(current)) result[list] = current.filter((v) => !remove.some((r) => jsonEqual(r, v)));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    const child = schema?.fields?.[key];
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const current = result[key];
      const merged = mergeMap(isObject(current) ? current : undefined, value, child);
      if (merged === DELETED) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      const current = result[key];
      result[key] = mergeList(Array.isArray(current) ? current : undefined, value, child);
    } else {
      result[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const list = key.slice(SET_ORDER.length);
    const current = result[list];
    if (Array.isArray(current))
      result[list] = reorder(current, stringList(order, key), schema?.fields?.[list]);
  }
  return result;
}

function mergeKeyOf(item: unknown, mergeKey: string): unknown {
  if (!isObject(item))
    throw bad(`a list merged by "${mergeKey}" must hold objects, found ${JSON.stringify(item)}`);
  const value = item[mergeKey];
  if (value === undefined && item[PATCH] !== "replace") {
    throw bad(`map ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
  }
  return value;
}

/** Merges a patch list into an original list, by merge key, as a set, or by replacing it. */
function mergeList(
  original: unknown[] | undefined,
  patch: unknown[],
  schema: PatchSchema | undefined,
): unknown[] {
  const mergeKey = schema?.mergeKey;
  if (mergeKey !== undefined) {
    if (patch.some((item) => isObject(item) && item[PATCH] === "replace" && item[mergeKey] === undefined)) {
      // `{"$patch": "replace"}` as an item: the rest of the patch list is the new list.
      return patch
        .filter((item) => !(isObject(item) && item[PATCH] === "replace" && item[mergeKey] === undefined))
        .map((item) => mergeMap(undefined, item as JsonObject, schema))
        .filter((item) => item !== DELETED);
    }
    const result = original ? [...original] : [];
    for (const item of patch) {
      const key = mergeKeyOf(item, mergeKey);
      const patchItem = item as JsonObject;
      const index = result.findIndex((existing) => isObject(existing) && jsonEqual(existing[mergeKey], key));
      const existing = index >= 0 ? result[index] : undefined;
      const merged = mergeMap(isObject(existing) ? existing : undefined, patchItem, schema);
      if (merged === DELETED) {
        if (index >= 0) result.splice(index, 1);
      } else if (index >= 0) {
        result[index] = merged;
      } else {
        result.push(merged);
      }
    }
    return result;
  }
  if (schema?.mergeSet) {
    const result = original ? [...original] : [];
    for (const value of patch) if (!result.some((v) => jsonEqual(v, value))) result.push(clone(value));
    return result;
  }
  return clone(patch);
}

/**
 * Orders a merged list as `$setElementOrder` says. Items it does not name (present only on
 * the server) keep their relative order and follow the named ones.
 */
function reorder(list: unknown[], order: unknown[], schema: PatchSchema | undefined): unknown[] {
  const mergeKey = schema?.mergeKey;
  const keyOf = (item: unknown): unknown =>
    mergeKey !== undefined && isObject(item) ? item[mergeKey] : item;
  const remaining = [...list];
  const ordered: unknown[] = [];
  for (const entry of order) {
    const wanted = keyOf(entry);
    const index = remaining.findIndex((item) => jsonEqual(keyOf(item), wanted));
    if (index >= 0) ordered.push(...remaining.splice(index, 1));
  }
  return [...ordered, ...remaining];
}

/**
 * Applies a strategic merge patch to an object of `resource`. `null` deletes a key; maps
 * merge; lists with a merge key (containers, env, volumes by name, ports by containerPort,
 * volumeMounts by mountPath, conditions and addresses by type) merge item by item; other
 * lists (taints, tolerations) are replaced. Returns a new object; the inputs are not changed.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, resource: ResourceName): unknown {
  if (!isObject(patch)) throw bad("the body must be a JSON object");
  const original = isObject(target) ? clone(target) : undefined;
  const merged = mergeMap(original, patch, patchSchemaFor(resource));
  return merged === DELETED ? {} : merged;
}
