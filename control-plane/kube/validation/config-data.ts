// v1 ConfigMap and Secret: key names (each becomes a file in a volume), values, the 1 MiB
// limit, Secret types with their required keys, and `immutable` (once set, the data, and
// the flag itself, stay as they are).

import type { ConfigMap, Secret } from "../../../shared/config-types.js";
import { SECRET_TYPES, SERVICE_ACCOUNT_NAME_ANNOTATION } from "../../../shared/config-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./metadata.js";
import { configKeyErrors } from "./names.js";
import { canonical, invalidEach, isObject, typeInvalid } from "./util.js";

/** Kubernetes' MaxSecretSize, which ConfigMaps share. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function tooBig(field: string): FieldError {
  return {
    type: "FieldValueTooLong",
    field,
    message: `Too long: must have at most ${MAX_CONFIG_BYTES} bytes`,
  };
}

/**
 * Checks a map of keys to values; returns the bytes it holds (keys and decoded values).
 * `base64`: values are base64 (binaryData, a Secret's data).
 */
function checkMap(value: unknown, path: string, base64: boolean, errs: FieldError[]): number {
  if (value === undefined || value === null) return 0;
  if (!isObject(value)) {
    errs.push(typeInvalid(path, value, "a map of strings"));
    return 0;
  }
  let bytes = 0;
  for (const [key, v] of Object.entries(value)) {
    errs.push(...invalidEach(path, key, configKeyErrors(key)));
    if (typeof v !== "string") {
      errs.push(typeInvalid(`${path}[${key}]`, v, "a string"));
      continue;
    }
    if (base64 && !BASE64_RE.test(v)) {
      errs.push(fieldError.invalid(`${path}[${key}]`, "<value omitted>", "illegal base64 data"));
      continue;
    }
    bytes += key.length + (base64 ? Buffer.from(v, "base64").length : Buffer.byteLength(v));
  }
  return bytes;
}

function immutableFlag(value: unknown, errs: FieldError[]): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") {
    errs.push(typeInvalid("immutable", value, "a boolean"));
    return false;
  }
  return value;
}

/** An update of an immutable ConfigMap or Secret changes none of `fields`, nor the flag. */
function immutableUpdate(
  object: Record<string, unknown>,
  old: Record<string, unknown>,
  fields: string[],
): FieldError[] {
  if (old["immutable"] !== true) return [];
  const errs: FieldError[] = [];
  if (object["immutable"] !== true)
    errs.push(fieldError.forbidden("immutable", "field is immutable when `immutable` is set"));
  for (const f of fields) {
    if (canonical(object[f] ?? {}) !== canonical(old[f] ?? {}))
      errs.push(fieldError.forbidden(f, "field is immutable when `immutable` is set"));
  }
  return errs;
}

/** Validates a ConfigMap; with `old`, an update of it. */
export function validateConfigMap(cm: ConfigMap, old?: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, nameRule: "subdomain" });
  const bytes = checkMap(cm.data, "data", false, errs) + checkMap(cm.binaryData, "binaryData", true, errs);
  if (isObject(cm.data) && isObject(cm.binaryData)) {
    for (const key of Object.keys(cm.binaryData)) {
      if (Object.hasOwn(cm.data, key))
        errs.push(fieldError.invalid("data", key, "duplicate of key present in binaryData"));
    }
  }
  if (bytes > MAX_CONFIG_BYTES) errs.push(tooBig(""));
  immutableFlag(cm.immutable, errs);
  if (old) {
    errs.push(...validateObjectMetaUpdate(cm.metadata, old.metadata));
    errs.push(...immutableUpdate(cm, old, ["data", "binaryData"]));
  }
  return errs;
}

/** The key a Secret of `type` must carry, when its type requires one. */
const REQUIRED_KEY: Record<string, string> = {
  [SECRET_TYPES.dockercfg]: ".dockercfg",
  [SECRET_TYPES.dockerConfigJson]: ".dockerconfigjson",
  [SECRET_TYPES.sshAuth]: "ssh-privatekey",
};

function decoded(secret: Secret, key: string): string | undefined {
  const v = secret.data?.[key];
  return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined;
}

/** What a Secret's type requires of its data and annotations. */
function typeErrors(secret: Secret): FieldError[] {
  const type = secret.type ?? SECRET_TYPES.opaque;
  const data = isObject(secret.data) ? secret.data : {};
  const errs: FieldError[] = [];
  const required = REQUIRED_KEY[type];
  if (required !== undefined) {
    if (!Object.hasOwn(data, required)) errs.push(fieldError.required(`data[${required}]`));
    else {
      try {
        JSON.parse(decoded(secret, required) ?? "");
      } catch (e) {
        if (type !== SECRET_TYPES.sshAuth)
          errs.push(fieldError.invalid(`data[${required}]`, "<secret contents redacted>", String(e)));
      }
    }
  }
  switch (type) {
    case SECRET_TYPES.serviceAccountToken:
      if (!secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION])
        errs.push(fieldError.required(`metadata.annotations[${SERVICE_ACCOUNT_NAME_ANNOTATION}]`));
      break;
    case SECRET_TYPES.basicAuth:
      if (!Object.hasOwn(data, "username") && !Object.hasOwn(data, "password")) {
        errs.push(fieldError.required("data[username]"), fieldError.required("data[password]"));
      }
      break;
    case SECRET_TYPES.tls:
      for (const key of ["tls.key", "tls.crt"])
        if (!Object.hasOwn(data, key)) errs.push(fieldError.required(`data[${key}]`));
      break;
  }
  return errs;
}

/** Validates a Secret (after stringData was merged into data); with `old`, an update of it. */
export function validateSecret(secret: Secret, old?: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameRule: "subdomain" });
  const bytes = checkMap(secret.data, "data", true, errs);
  if (bytes > MAX_CONFIG_BYTES) errs.push(tooBig("data"));
  if (secret.type !== undefined && (typeof secret.type !== "string" || secret.type === ""))
    errs.push(fieldError.required("type"));
  immutableFlag(secret.immutable, errs);
  errs.push(...typeErrors(secret));
  if (old) {
    errs.push(...validateObjectMetaUpdate(secret.metadata, old.metadata));
    if ((secret.type ?? "") !== (old.type ?? ""))
      errs.push(fieldError.invalid("type", secret.type, "field is immutable"));
    errs.push(...immutableUpdate(secret, old, ["data"]));
  }
  return errs;
}
