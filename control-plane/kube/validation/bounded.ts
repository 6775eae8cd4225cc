// Guards for fields whose size matters: bounded strings and lists, RFC 3339 timestamps and
// unknown keys. Status reports and events come from machines (agents, controllers): what
// they send is stored and printed to everyone, so each field is checked for its type and
// its size before anything is kept.

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { isObject, typeInvalid, type Obj } from "./util.js";

/** An optional string of at most `maxBytes` UTF-8 bytes; "" when absent or wrong. */
export function boundedString(
  v: unknown,
  path: string,
  maxBytes: number,
  errs: FieldError[],
  opts: { required?: boolean } = {},
): string {
  if (v === undefined || v === null || v === "") {
    if (opts.required) errs.push(fieldError.required(path));
    return "";
  }
  if (typeof v !== "string") {
    errs.push(typeInvalid(path, v, "a string"));
    return "";
  }
  // Length first: a string of more than 4 bytes per character cannot fit, whatever it holds.
  if (v.length > maxBytes || Buffer.byteLength(v) > maxBytes) {
    errs.push(fieldError.tooLong(path, maxBytes));
    return "";
  }
  return v;
}

/** An optional list of at most `max` items; [] when absent, wrong or too long (so nothing more is read). */
export function boundedList(v: unknown, path: string, max: number, errs: FieldError[]): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errs.push(typeInvalid(path, v, "a list"));
    return [];
  }
  if (v.length > max) {
    errs.push(tooMany(path, v.length, max));
    return [];
  }
  return v;
}

/** Kubernetes' TooMany cause. */
export function tooMany(path: string, actual: number, max: number): FieldError {
  return {
    type: "FieldValueTooMany",
    field: path,
    message: `Too many: ${actual}: must have at most ${max} items`,
  };
}

/** An optional object whose keys are all in `allowed`; undefined when absent or wrong. */
export function knownObject(
  v: unknown,
  path: string,
  allowed: readonly string[],
  errs: FieldError[],
): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) {
    errs.push(typeInvalid(path, v, "an object"));
    return undefined;
  }
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) errs.push(fieldError.unknown(`${path}.${key}`));
  }
  return v;
}

/** An optional boolean. */
export function boolField(v: unknown, path: string, errs: FieldError[]): void {
  if (v !== undefined && v !== null && typeof v !== "boolean") errs.push(typeInvalid(path, v, "a boolean"));
}

/** An optional integer in [min, max]. */
export function intField(v: unknown, path: string, errs: FieldError[], min: number, max: number): void {
  if (v === undefined || v === null) return;
  if (!Number.isSafeInteger(v)) {
    errs.push(typeInvalid(path, v, "an integer"));
    return;
  }
  const n = v as number;
  if (n < min || n > max) errs.push(fieldError.invalid(path, n, `must be between ${min} and ${max}`));
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** The longest an RFC 3339 timestamp can be (nanoseconds and a zone offset). */
const TIMESTAMP_MAX = 35;

/**
 * Timestamps read lately and what they meant: thousands of statuses in a burst carry the same
 * few (one per second), and reading one takes a regular expression and two dates.
 */
const recentTimestamps = new Map<string, number | undefined>();
const RECENT_TIMESTAMPS_MAX = 256;

/** Milliseconds of an RFC 3339 timestamp (as Go's time.Parse reads it), or undefined. */
export function parseRfc3339(value: string): number | undefined {
  if (value.length > TIMESTAMP_MAX) return readRfc3339(value);
  if (recentTimestamps.has(value)) return recentTimestamps.get(value);
  const ms = readRfc3339(value);
  if (recentTimestamps.size >= RECENT_TIMESTAMPS_MAX) recentTimestamps.clear();
  recentTimestamps.set(value, ms);
  return ms;
}

function readRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const zone = /^[+-](\d{2}):(\d{2})$/.exec(m[8] ?? "");
  if (zone && (Number(zone[1]) > 23 || Number(zone[2]) > 59)) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  // Date.UTC rolls Feb 30 over into March; Go refuses it, and so does everynode.
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  const ms = Date.parse(value.toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}

/** An optional RFC 3339 timestamp; its milliseconds, or undefined when absent or wrong. */
export function timestampField(v: unknown, path: string, errs: FieldError[]): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") {
    errs.push(typeInvalid(path, v, "an RFC 3339 timestamp"));
    return undefined;
  }
  if (v.length > TIMESTAMP_MAX) {
    // Quoted only in part: the value may be megabytes long.
    errs.push(fieldError.invalid(path, `${v.slice(0, TIMESTAMP_MAX)}...`, "must be an RFC 3339 timestamp"));
    return undefined;
  }
  const ms = parseRfc3339(v);
  if (ms === undefined) errs.push(fieldError.invalid(path, v, "must be an RFC 3339 timestamp"));
  return ms;
}
