// Shared pieces of the validation tests: Kubernetes' long messages, and cause builders
// worded independently of shared/errors.ts so that a change of wording there is caught.

import type { DaemonSet } from "../../../shared/api-types.js";
import type { FieldError } from "../../../shared/errors.js";
import { applyDaemonSetDefaults } from "../defaults.js";
import { validateDaemonSet } from "./daemonset.js";
import { tutorialDaemonSet } from "./test-manifests.js";
import { unappliedFieldErrors } from "./unapplied-fields.js";

export const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
export const QUANTITY_MSG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export const T = "spec.template.spec";
export const C = `${T}.containers[0]`;

export type Spec = Record<string, unknown>;
export type Mutation = (ds: DaemonSet, pod: Spec, c: Spec) => void;

/**
 * Kubernetes' own causes for a DaemonSet: without those of everynode's safety net for fields
 * its agent does not apply (unapplied-fields.test.ts tests those).
 */
export function kubernetesCauses(ds: DaemonSet): FieldError[] {
  const net = new Set(unappliedFieldErrors(ds.spec?.template?.spec, T).map((e) => JSON.stringify(e)));
  return validateDaemonSet(ds).filter((e) => !net.has(JSON.stringify(e)));
}

/** The tutorial's DaemonSet, changed by `mutate`, defaulted, then validated (Kubernetes' rules). */
export function causes(mutate: Mutation): FieldError[] {
  const ds = tutorialDaemonSet();
  const pod = ds.spec.template.spec as Spec;
  mutate(ds, pod, ds.spec.template.spec.containers[0] as unknown as Spec);
  return kubernetesCauses(applyDaemonSetDefaults(ds));
}

export const inv = (field: string, value: string, detail: string): FieldError => ({
  type: "FieldValueInvalid",
  field,
  message: `Invalid value: ${value}: ${detail}`,
});
export const req = (field: string, detail?: string): FieldError => ({
  type: "FieldValueRequired",
  field,
  message: detail ? `Required value: ${detail}` : "Required value",
});
export const unsupported = (field: string, value: string, supported: string): FieldError => ({
  type: "FieldValueNotSupported",
  field,
  message: `Unsupported value: "${value}": supported values: ${supported}`,
});
export const forbidden = (field: string, detail: string): FieldError => ({
  type: "FieldValueForbidden",
  field,
  message: `Forbidden: ${detail}`,
});
