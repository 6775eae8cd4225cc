// Small helpers the validators share. Bodies come from users, so every validator reads
// fields through these guards instead of trusting the TypeScript types: a string where a
// list belongs gives a field error, never a crash.

import { fieldError, type FieldError } from "../../../shared/errors.js";

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A field of the wrong JSON type (Kubernetes refuses these while decoding). */
export function typeInvalid(field: string, value: unknown, expected: string): FieldError {
  return {
    type: "FieldValueTypeInvalid",
    field,
    message: `Invalid value: ${JSON.stringify(value)}: must be ${expected}`,
  };
}

/** A name that refers to nothing (e.g. a volumeMount without its volume). */
export function notFound(field: string, value: unknown): FieldError {
  return { type: "FieldValueNotFound", field, message: `Not found: ${JSON.stringify(value)}` };
}

/** Reads an optional list: [] when absent, an error when it is not a list. */
export function listField(v: unknown, field: string, errs: FieldError[]): unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  errs.push(typeInvalid(field, v, "a list"));
  return [];
}

/** Reads an optional object: undefined when absent, an error when it is not an object. */
export function objectField(v: unknown, field: string, errs: FieldError[]): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (isObject(v)) return v;
  errs.push(typeInvalid(field, v, "an object"));
  return undefined;
}

/** Reads an optional string: "" when absent, an error when it is not a string. */
export function stringField(v: unknown, field: string, errs: FieldError[]): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  errs.push(typeInvalid(field, v, "a string"));
  return "";
}

/** An optional integer field that must be ≥ 0 (Kubernetes' ValidateNonnegativeField). */
export function nonNegativeInt(v: unknown, field: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!Number.isInteger(v)) return [typeInvalid(field, v, "an integer")];
  return (v as number) < 0 ? [fieldError.invalid(field, v, "must be greater than or equal to 0")] : [];
}

/** One Invalid error per message, all on `field` (how Kubernetes reports name grammar problems). */
export function invalidEach(field: string, value: unknown, messages: string[]): FieldError[] {
  return messages.map((m) => fieldError.invalid(field, value, m));
}

/** Stable JSON for comparing two values regardless of key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
