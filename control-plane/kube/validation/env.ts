// A container's env: names, and valueFrom sources (the downward API fieldRef paths a pod
// may read, resourceFieldRef, configMap and secret keys).

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { envVarNameErrors, qualifiedNameErrors } from "./names.js";
import { invalidEach, isObject, listField, stringField, typeInvalid } from "./util.js";

/** The fieldRef paths an env var may read (besides metadata.labels['k'] and metadata.annotations['k']). */
export const ENV_FIELD_PATHS = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];

// Paths Kubernetes can convert at all; others fail conversion before the supported check.
const CONVERTIBLE_PATHS = new Set([
  ...ENV_FIELD_PATHS,
  "metadata.annotations",
  "metadata.labels",
  "spec.restartPolicy",
  "spec.schedulerName",
  "status.phase",
]);

const RESOURCE_FIELDS = [
  "limits.cpu",
  "limits.ephemeral-storage",
  "limits.memory",
  "requests.cpu",
  "requests.ephemeral-storage",
  "requests.memory",
];

const VALUE_SOURCES = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"];

function validateFieldRef(ref: unknown, path: string): FieldError[] {
  if (!isObject(ref)) return [typeInvalid(path, ref, "an object")];
  const errs: FieldError[] = [];
  const apiVersion = stringField(ref.apiVersion, `${path}.apiVersion`, errs);
  const fieldPath = stringField(ref.fieldPath, `${path}.fieldPath`, errs);
  if (!apiVersion) return [...errs, fieldError.required(`${path}.apiVersion`)];
  if (!fieldPath) return [...errs, fieldError.required(`${path}.fieldPath`)];
  if (apiVersion !== "v1") {
    return [
      ...errs,
      fieldError.invalid(
        `${path}.fieldPath`,
        fieldPath,
        `error converting fieldPath: unsupported pod version: ${apiVersion}`,
      ),
    ];
  }
  const sub = /^(.+)\['(.*)'\]$/.exec(fieldPath);
  if (sub) {
    const [, base = "", key = ""] = sub;
    if (base === "metadata.labels" || base === "metadata.annotations") {
      const name = base === "metadata.annotations" ? key.toLowerCase() : key;
      errs.push(...invalidEach(path, key, qualifiedNameErrors(name)));
    } else if (!CONVERTIBLE_PATHS.has(base)) {
      errs.push(
        fieldError.invalid(
          `${path}.fieldPath`,
          fieldPath,
          `error converting fieldPath: field label not supported: ${base}`,
        ),
      );
    } else {
      errs.push(fieldError.invalid(path, base, "does not support subscript"));
    }
    return errs;
  }
  if (!CONVERTIBLE_PATHS.has(fieldPath)) {
    errs.push(
      fieldError.invalid(
        `${path}.fieldPath`,
        fieldPath,
        `error converting fieldPath: field label not supported: ${fieldPath}`,
      ),
    );
  } else if (!ENV_FIELD_PATHS.includes(fieldPath)) {
    errs.push(fieldError.notSupported(`${path}.fieldPath`, fieldPath, ENV_FIELD_PATHS));
  }
  return errs;
}

function validateKeyRef(ref: unknown, path: string): FieldError[] {
  if (!isObject(ref)) return [typeInvalid(path, ref, "an object")];
  const errs: FieldError[] = [];
  if (!stringField(ref.key, `${path}.key`, errs)) errs.push(fieldError.required(`${path}.key`));
  return errs;
}

function validateValueFrom(env: Record<string, unknown>, path: string): FieldError[] {
  const from = env.valueFrom;
  if (from === undefined || from === null) return [];
  if (!isObject(from)) return [typeInvalid(path, from, "an object")];
  const errs: FieldError[] = [];
  const sources = VALUE_SOURCES.filter((s) => from[s] !== undefined && from[s] !== null);
  if (from.fieldRef != null) errs.push(...validateFieldRef(from.fieldRef, `${path}.fieldRef`));
  if (from.resourceFieldRef != null) {
    const ref = from.resourceFieldRef;
    const p = `${path}.resourceFieldRef`;
    const resource = isObject(ref) ? stringField(ref.resource, `${p}.resource`, errs) : "";
    if (!resource) errs.push(fieldError.required(`${p}.resource`));
    else if (!RESOURCE_FIELDS.includes(resource))
      errs.push(fieldError.notSupported(`${p}.resource`, resource, RESOURCE_FIELDS));
  }
  if (from.configMapKeyRef != null)
    errs.push(...validateKeyRef(from.configMapKeyRef, `${path}.configMapKeyRef`));
  if (from.secretKeyRef != null) errs.push(...validateKeyRef(from.secretKeyRef, `${path}.secretKeyRef`));
  if (sources.length === 0) {
    errs.push(
      fieldError.invalid(
        path,
        "",
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
      ),
    );
  } else if (typeof env.value === "string" && env.value.length > 0) {
    errs.push(fieldError.invalid(path, "", "may not be specified when `value` is not empty"));
  } else if (sources.length > 1) {
    errs.push(fieldError.invalid(path, "", "may not have more than one field specified at a time"));
  }
  return errs;
}

/** A container's env list. */
export function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  listField(env, path, errs).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(e)) {
      errs.push(typeInvalid(p, e, "an env var"));
      return;
    }
    const name = stringField(e.name, `${p}.name`, errs);
    if (!name) errs.push(fieldError.required(`${p}.name`));
    else errs.push(...invalidEach(`${p}.name`, name, envVarNameErrors(name)));
    if (e.value !== undefined && e.value !== null && typeof e.value !== "string") {
      errs.push(typeInvalid(`${p}.value`, e.value, "a string"));
    }
    errs.push(...validateValueFrom(e, `${p}.valueFrom`));
  });
  return errs;
}
