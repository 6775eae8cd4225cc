// The store hands the same object to every reader (no copies), so a reader that mutated it
// would corrupt everyone's view: every stored object is frozen all the way down. What is
// frozen never changes, so a write copies only the parts of its input that are not.

/**
 * Freezes `value` and everything reachable from it, in place, and returns it. Parts that
 * are already frozen are taken as frozen all the way down (the store only ever builds
 * objects whose frozen parts came from here), which keeps re-wrapping a stored object cheap.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    const record = value as Record<string, unknown>;
    for (const key in record) deepFreeze(record[key]);
  }
  return value;
}

/** A copy of `value` that shares the parts already frozen (deepFreeze's, which never change). */
export function copyUnfrozen<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  return copyShell(value);
}

/** A new array or object over copyUnfrozen() of each member, even when `value` is frozen. */
export function copyShell<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyUnfrozen) as T;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const key in record) out[key] = copyUnfrozen(record[key]);
  return out as T;
}
