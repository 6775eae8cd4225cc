// Object metadata: names, namespace, labels and annotations, as Kubernetes validates them
// on every create and update.

import type { ObjectMeta } from "../../../shared/api-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  pathSegmentNameErrors,
  qualifiedNameErrors,
} from "./names.js";
import { invalidEach, isObject, nonNegativeInt, stringField, typeInvalid } from "./util.js";

/** Kubernetes' limit on the summed size of an object's annotation keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** "path": any name that is one URL path segment (RBAC's objects, whose names hold colons). */
  nameRule: "subdomain" | "label" | "path";
}

/** Label keys (qualified names) and values; errors sit on the map's own path, as in Kubernetes. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isObject(labels)) return [typeInvalid(path, labels, "a map of strings")];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...invalidEach(path, k, qualifiedNameErrors(k)));
    if (typeof v !== "string") errs.push(typeInvalid(path, v, "a string"));
    else errs.push(...invalidEach(path, v, labelValueErrors(v)));
  }
  return errs;
}

/** Annotation keys (qualified names, any case) and the total size limit. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isObject(annotations)) return [typeInvalid(path, annotations, "a map of strings")];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    errs.push(...invalidEach(path, k, qualifiedNameErrors(k.toLowerCase())));
    if (typeof v !== "string") errs.push(typeInvalid(path, v, "a string"));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === "string" ? v : "");
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push({
      type: "FieldValueTooLong",
      field: path,
      message: `Too long: may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
    });
  }
  return errs;
}

function nameErrors(rule: ObjectMetaOptions["nameRule"], name: string): string[] {
  if (rule === "path") return pathSegmentNameErrors(name);
  return rule === "label" ? dns1123LabelErrors(name) : dns1123SubdomainErrors(name);
}

/** Validates an object's metadata: name (or generateName), namespace, generation, labels, annotations. */
export function validateObjectMeta(
  meta: ObjectMeta,
  opts: ObjectMetaOptions,
  path = "metadata",
): FieldError[] {
  if (!isObject(meta)) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  const generateName = stringField(meta.generateName, `${path}.generateName`, errs);
  if (generateName) {
    // A generateName is a prefix: its trailing dash is allowed.
    const prefix = generateName.replace(/-$/, "a");
    errs.push(...invalidEach(`${path}.generateName`, generateName, nameErrors(opts.nameRule, prefix)));
  }
  const name = stringField(meta.name, `${path}.name`, errs);
  if (!name) errs.push(fieldError.required(`${path}.name`, "name or generateName is required"));
  else errs.push(...invalidEach(`${path}.name`, name, nameErrors(opts.nameRule, name)));

  const namespace = stringField(meta.namespace, `${path}.namespace`, errs);
  if (opts.namespaced) {
    if (!namespace) errs.push(fieldError.required(`${path}.namespace`));
    else errs.push(...invalidEach(`${path}.namespace`, namespace, dns1123LabelErrors(namespace)));
  } else if (namespace) {
    errs.push(fieldError.forbidden(`${path}.namespace`, "not allowed on this type"));
  }
  errs.push(...nonNegativeInt(meta.generation, `${path}.generation`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  return errs;
}

/** On update: name, namespace and uid never change (Kubernetes' ValidateObjectMetaUpdate). */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = "metadata"): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ["name", "namespace", "uid"] as const) {
    const now = meta?.[key] ?? "";
    const before = old?.[key] ?? "";
    // An update that leaves uid out keeps the stored one; only a different value is an error.
    if (key === "uid" && !now) continue;
    if (now !== before) errs.push(fieldError.invalid(`${path}.${key}`, now, "field is immutable"));
  }
  return errs;
}
