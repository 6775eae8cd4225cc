// Strategic merge patch, the subset kubectl sends (apply, taint, cordon): merge-patch
// semantics on maps, lists replaced unless the schema gives them a merge key, and the
// directives `$patch`, `$retainKeys`, `$setElementOrder/<list>` and
// `$deleteFromPrimitiveList/<list>`.

import { EverynodeError } from "../../../shared/errors.js";
import { REGISTRY } from "../kinds/index.js";
import type { ResourceName } from "../kinds/resources.js";
import { patchSchemaOf, type PatchSchema } from "../schema/patch-rules.js";
import { clone, getOwn, isObject, jsonKey, setOwn, type JsonObject } from "./json-value.js";

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

/** The rules for `key` below `schema`; own properties only, as keys come from the client. */
function fieldSchema(schema: PatchSchema | undefined, key: string): PatchSchema | undefined {
  const fields = schema?.fields;
  return fields && Object.hasOwn(fields, key) ? fields[key] : undefined;
}

/** Merges a patch map into an original map (absent = empty). */
function mergeMap(
  original: JsonObject | undefined,
  patch: JsonObject,
  schema: PatchSchema | undefined,
): JsonObject | typeof DELETED {
  const directive = getOwn(patch, PATCH);
  if (directive === "delete") return DELETED;
  if (directive === "replace") {
    const rest = { ...patch };
    delete rest[PATCH];
    return mergeMap(undefined, rest, schema);
  }
  if (directive !== undefined && directive !== "merge")
    throw bad(`unknown $patch directive ${JSON.stringify(directive)}`);

  const result: JsonObject = original ? { ...original } : {};
  const retain = getOwn(patch, RETAIN_KEYS);
  if (retain !== undefined) {
    // Keys the patch does not keep are cleared from the original first; the patch then applies.
    const keep = new Set(stringList(retain, RETAIN_KEYS).map(String));
    for (const key of Object.keys(result)) if (!keep.has(key)) delete result[key];
  }
  for (const [key, values] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM)) continue;
    const list = key.slice(DELETE_FROM.length);
    const current = getOwn(result, list);
    const remove = new Set(stringList(values, key).map(jsonKey));
    if (Array.isArray(current))
      setOwn(
        result,
        list,
        current.filter((v) => !remove.has(jsonKey(v))),
      );
  }
  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    const child = fieldSchema(schema, key);
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const current = getOwn(result, key);
      const merged = mergeMap(isObject(current) ? current : undefined, value, child);
      if (merged === DELETED) delete result[key];
      else setOwn(result, key, merged);
    } else if (Array.isArray(value)) {
      const current = getOwn(result, key);
      setOwn(result, key, mergeList(Array.isArray(current) ? current : undefined, value, child));
    } else {
      setOwn(result, key, value);
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const list = key.slice(SET_ORDER.length);
    const current = getOwn(result, list);
    if (Array.isArray(current))
      setOwn(result, list, reorder(current, stringList(order, key), fieldSchema(schema, list)));
  }
  return result;
}

function mergeKeyOf(item: unknown, mergeKey: string): unknown {
  if (!isObject(item))
    throw bad(`a list merged by "${mergeKey}" must hold objects, found ${JSON.stringify(item)}`);
  const value = getOwn(item, mergeKey);
  if (value === undefined && getOwn(item, PATCH) !== "replace") {
    throw bad(`map ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
  }
  return value;
}

/** Positions of a list's items by a key of each, first occurrence first: linear merges, not quadratic. */
function positions(list: unknown[], keyOf: (item: unknown) => string | undefined): Map<string, number[]> {
  const out = new Map<string, number[]>();
  list.forEach((item, i) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const at = out.get(key);
    if (at) at.push(i);
    else out.set(key, [i]);
  });
  return out;
}

/** Merges a patch list into an original list, by merge key, as a set, or by replacing it. */
function mergeList(
  original: unknown[] | undefined,
  patch: unknown[],
  schema: PatchSchema | undefined,
): unknown[] {
  const mergeKey = schema?.mergeKey;
  if (mergeKey !== undefined) {
    const isReplaceMarker = (item: unknown): boolean =>
      isObject(item) && getOwn(item, PATCH) === "replace" && getOwn(item, mergeKey) === undefined;
    if (patch.some(isReplaceMarker)) {
      // `{"$patch": "replace"}` as an item: the rest of the patch list is the new list.
      return patch
        .filter((item) => !isReplaceMarker(item))
        .map((item) => mergeMap(undefined, item as JsonObject, schema))
        .filter((item) => item !== DELETED);
    }
    const result: unknown[] = original ? [...original] : [];
    const byKey = positions(result, (item) => (isObject(item) ? jsonKey(getOwn(item, mergeKey)) : undefined));
    for (const item of patch) {
      const key = jsonKey(mergeKeyOf(item, mergeKey));
      const at = byKey.get(key);
      const index = at?.[0];
      const existing = index !== undefined ? result[index] : undefined;
      const merged = mergeMap(isObject(existing) ? existing : undefined, item as JsonObject, schema);
      if (merged === DELETED) {
        if (index !== undefined) {
          result[index] = DELETED;
          at?.shift();
        }
      } else if (index !== undefined) {
        result[index] = merged;
      } else {
        byKey.set(key, [result.length]);
        result.push(merged);
      }
    }
    return result.filter((item) => item !== DELETED);
  }
  if (schema?.mergeSet) {
    const result = original ? [...original] : [];
    const seen = new Set(result.map(jsonKey));
    for (const value of patch) {
      const key = jsonKey(value);
      if (seen.has(key)) continue;
      seen.add(key);
      result.push(clone(value));
    }
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
  const keyOf = (item: unknown): string =>
    jsonKey(mergeKey !== undefined && isObject(item) ? getOwn(item, mergeKey) : item);
  const byKey = positions(list, keyOf);
  const taken = new Set<number>();
  const ordered: unknown[] = [];
  for (const entry of order) {
    const index = byKey.get(keyOf(entry))?.shift();
    if (index === undefined) continue;
    taken.add(index);
    ordered.push(list[index]);
  }
  return [...ordered, ...list.filter((_, i) => !taken.has(i))];
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
  const merged = mergeMap(original, patch, patchSchemaOf(REGISTRY, resource));
  return merged === DELETED ? {} : merged;
}
