// v1 ServiceAccount: a subdomain name; `secrets` and `imagePullSecrets` name objects of its
// namespace.

import type { ServiceAccount } from "../../../shared/config-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./metadata.js";
import { isObject, listField, typeInvalid } from "./util.js";

function references(value: unknown, path: string, errs: FieldError[]): void {
  listField(value, path, errs).forEach((ref, i) => {
    if (!isObject(ref)) errs.push(typeInvalid(`${path}[${i}]`, ref, "an object"));
    else if (ref["name"] !== undefined && typeof ref["name"] !== "string")
      errs.push(typeInvalid(`${path}[${i}].name`, ref["name"], "a string"));
  });
}

export function validateServiceAccount(sa: ServiceAccount, old?: ServiceAccount): FieldError[] {
  const errs = validateObjectMeta(sa.metadata, { namespaced: true, nameRule: "subdomain" });
  references(sa.secrets, "secrets", errs);
  references(sa.imagePullSecrets, "imagePullSecrets", errs);
  const automount = sa.automountServiceAccountToken;
  if (automount !== undefined && automount !== null && typeof automount !== "boolean")
    errs.push(typeInvalid("automountServiceAccountToken", automount, "a boolean"));
  if (old) errs.push(...validateObjectMetaUpdate(sa.metadata, old.metadata));
  return errs;
}

/** TokenRequest's spec as a caller may send it: what the TokenRequest handler accepts. */
export function validateTokenRequestSpec(spec: unknown, minSeconds: number): FieldError[] {
  const errs: FieldError[] = [];
  if (spec === undefined || spec === null) return errs;
  if (!isObject(spec)) return [typeInvalid("spec", spec, "an object")];
  listField(spec["audiences"], "spec.audiences", errs).forEach((a, i) => {
    if (typeof a !== "string") errs.push(typeInvalid(`spec.audiences[${i}]`, a, "a string"));
  });
  const seconds = spec["expirationSeconds"];
  if (seconds !== undefined && seconds !== null) {
    if (!Number.isInteger(seconds)) errs.push(typeInvalid("spec.expirationSeconds", seconds, "an integer"));
    else if ((seconds as number) < minSeconds)
      errs.push(
        fieldError.invalid(
          "spec.expirationSeconds",
          seconds,
          `may not specify a duration less than ${minSeconds / 60} minutes`,
        ),
      );
    else if ((seconds as number) > 2 ** 32)
      errs.push(
        fieldError.invalid(
          "spec.expirationSeconds",
          seconds,
          "may not specify a duration larger than 2^32 seconds",
        ),
      );
  }
  const ref = spec["boundObjectRef"];
  if (ref !== undefined && ref !== null) {
    if (!isObject(ref)) errs.push(typeInvalid("spec.boundObjectRef", ref, "an object"));
    else if (ref["kind"] !== "Pod" && ref["kind"] !== "Secret")
      errs.push(fieldError.notSupported("spec.boundObjectRef.kind", ref["kind"], ["Pod", "Secret"]));
    else if (typeof ref["name"] !== "string" || ref["name"] === "")
      errs.push(fieldError.required("spec.boundObjectRef.name"));
  }
  return errs;
}
