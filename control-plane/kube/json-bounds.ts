// How deep and how large a piece of JSON a client may make the server hold, and whether it
// is plain JSON at all (YAML can decode to binary, dates, sets, cycles). Measured without
// recursion, so a body nested 100,000 levels deep is a 400 and not a stack overflow, and
// stopping as soon as a bound is passed, so measuring costs no more than the bound.

/**
 * The deepest nesting accepted in a body or a patched object, counting objects and lists
 * (the top-level object is 1). The deepest real manifests (a DaemonSet with node affinity)
 * reach about 13; Kubernetes' own decoder stops at 10,000.
 */
export const MAX_JSON_DEPTH = 100;

/** The default limit of a request body and of any object a patch makes: 3 MiB, as the Kubernetes API server allows. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface JsonBounds {
  /** The largest accepted size, in bytes of (compact) JSON text. */
  maxBytes: number;
  maxDepth: number;
}

/** A value's compact JSON size (strings counted without escapes) and nesting depth. */
export interface JsonMeasure {
  size: number;
  depth: number;
}

/** Why a value is not plain JSON within its bounds. */
export type JsonProblem =
  { problem: "type"; path: string; found: string } | { problem: "depth"; path: string } | { problem: "size" };

interface Frame {
  container: Record<string, unknown> | unknown[];
  keys: string[] | undefined;
  length: number;
  next: number;
}

function describe(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined": // JSON leaves it out
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `the number ${String(value)}`;
    case "object": {
      if (value === null || Array.isArray(value)) return undefined;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === Object.prototype || proto === null) return undefined;
      if (value instanceof Uint8Array) return "binary data";
      if (value instanceof Date) return "a timestamp";
      if (value instanceof Set) return "a set";
      if (value instanceof Map) return "an ordered map";
      return "a non-JSON value";
    }
    default:
      return `a ${typeof value}`;
  }
}

function pathOf(stack: Frame[]): string {
  let path = "";
  for (const f of stack) {
    const at = f.next - 1;
    path += f.keys ? `.${f.keys[at] ?? ""}` : `[${at}]`;
  }
  return path.startsWith(".") ? path.slice(1) : path;
}

/**
 * Measures `value`, or says why it is out of bounds: a value that is not plain JSON (binary
 * data, a date, a set or map, a non-finite number, a class instance), nesting deeper than
 * `maxDepth`, or a size over `maxBytes`. Work is bounded by `maxBytes` and `maxDepth`, so a
 * cyclic value (a YAML alias to its own parent) ends as too deep.
 */
export function measureJson(value: unknown, bounds: JsonBounds): JsonMeasure | JsonProblem {
  const stack: Frame[] = [];
  let size = 0;
  let depth = 0;
  let current: unknown = value;
  for (;;) {
    // Scalars first: most values are, and they need no description.
    const type = typeof current;
    if (type === "string") size += Buffer.byteLength(current as string, "utf8") + 2;
    else if (type === "number" && Number.isFinite(current)) size += String(current).length;
    else if (current === null || current === true) size += 4;
    else if (current === false) size += 5;
    else if (type !== "undefined") {
      const found = describe(current);
      if (found !== undefined) return { problem: "type", path: pathOf(stack), found };
      if (stack.length + 1 > bounds.maxDepth) return { problem: "depth", path: pathOf(stack) };
      const keys = Array.isArray(current) ? undefined : Object.keys(current as object);
      const length = keys ? keys.length : (current as unknown[]).length;
      // Brackets, commas between entries, and per key its quotes and colon.
      size += 2 + Math.max(0, length - 1);
      if (keys) for (const k of keys) size += Buffer.byteLength(k, "utf8") + 3;
      depth = Math.max(depth, stack.length + 1);
      if (length > 0) stack.push({ container: current as Record<string, unknown>, keys, length, next: 0 });
    }
    if (size > bounds.maxBytes) return { problem: "size" };
    // The next value: the next entry of the innermost container that has one left.
    let top = stack[stack.length - 1];
    while (top && top.next >= top.length) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    if (!top) return { size, depth };
    const at = top.next++;
    current = top.keys
      ? (top.container as Record<string, unknown>)[top.keys[at] ?? ""]
      : (top.container as unknown[])[at];
  }
}

/** True when measureJson found a problem. */
export function isJsonProblem(m: JsonMeasure | JsonProblem): m is JsonProblem {
  return "problem" in m;
}
