// The bounds every patch works within, so that a small patch cannot make the server build a
// huge object or spend seconds on one request: a 1.5 KB JSON patch of doubling copies would
// otherwise grow an object past a gigabyte. Kubernetes bounds patches the same way (10,000
// JSON patch operations, results no larger than a request body).

import { EverynodeError } from "../../../shared/errors.js";
import {
  DEFAULT_MAX_BODY_BYTES,
  isJsonProblem,
  MAX_JSON_DEPTH,
  measureJson,
  type JsonBounds,
} from "../json-bounds.js";

/** The most operations one JSON patch may hold, as in Kubernetes. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/**
 * What one JSON patch may measure, copy, compare or shift in all, as a multiple of the
 * largest object: ample for any real patch, and it keeps a patch that copies a large value
 * back and forth 10,000 times from running for minutes.
 */
export const JSON_PATCH_WORK_FACTOR = 8;

export interface PatchBounds extends JsonBounds {
  maxOperations: number;
  /** Bytes of values a JSON patch may measure or copy plus list items it may shift. */
  maxWork: number;
}

/** The bounds for objects of at most `maxBytes` (the body limit). */
export function patchBounds(maxBytes: number): PatchBounds {
  return {
    maxBytes,
    maxDepth: MAX_JSON_DEPTH,
    maxOperations: MAX_JSON_PATCH_OPERATIONS,
    maxWork: JSON_PATCH_WORK_FACTOR * maxBytes,
  };
}

/** The bounds of the default body limit. */
export const DEFAULT_PATCH_BOUNDS: PatchBounds = patchBounds(DEFAULT_MAX_BODY_BYTES);

export const tooLarge = (message: string): EverynodeError =>
  new EverynodeError("RequestEntityTooLarge", message);

export const resultTooLarge = (maxBytes: number): EverynodeError =>
  tooLarge(`the patched object would be larger than the limit of ${maxBytes} bytes`);

export const resultTooDeep = (maxDepth: number, path: string): EverynodeError =>
  new EverynodeError(
    "Invalid",
    `the patched object would nest deeper than ${maxDepth} levels${path ? ` at ${path}` : ""}`,
  );

/** Refuses a patch result over the size limit (413) or nested too deep (422). */
export function checkPatchedObject(value: unknown, bounds: JsonBounds): void {
  const m = measureJson(value, bounds);
  if (!isJsonProblem(m)) return;
  if (m.problem === "size") throw resultTooLarge(bounds.maxBytes);
  if (m.problem === "depth") throw resultTooDeep(bounds.maxDepth, m.path);
  throw new EverynodeError("Invalid", `the patched object holds ${m.found} at ${m.path}`);
}
