// v1 Pod. Pods are made by the DaemonSet controller; afterwards users may change their
// labels and annotations (and the agent their status), but of the spec only add tolerations.

import { validatePodStatus } from "./pod-status.js";
import type { Pod } from "../../../shared/api-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./metadata.js";
import { validatePodSpec } from "./pod-spec.js";
import { validateTolerations } from "./scheduling.js";
import { canonical, isObject } from "./util.js";

/** Kubernetes' wording, narrowed to what everynode lets change. */
export const POD_UPDATE_MESSAGE =
  "pod updates may not change fields other than `spec.tolerations` (only additions to existing tolerations)";

/** Validates a whole pod, as created. */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameRule: "subdomain" });
  errs.push(...validatePodSpec(pod.spec, "spec"));
  return errs;
}

function withoutTolerations(spec: unknown): unknown {
  if (!isObject(spec)) return spec;
  const { tolerations: _tolerations, ...rest } = spec;
  return rest;
}

/** Validates an update of a pod against the stored `old` one. */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameRule: "subdomain" });
  errs.push(...validateObjectMetaUpdate(pod.metadata, old.metadata));
  const tolerationErrs = validateTolerations(pod.spec?.tolerations, "spec.tolerations");
  errs.push(...tolerationErrs);
  const now = new Set((Array.isArray(pod.spec?.tolerations) ? pod.spec.tolerations : []).map(canonical));
  const kept = (Array.isArray(old.spec?.tolerations) ? old.spec.tolerations : []).every((t) =>
    now.has(canonical(t)),
  );
  if (!kept || canonical(withoutTolerations(pod.spec)) !== canonical(withoutTolerations(old.spec))) {
    errs.push(fieldError.forbidden("spec", POD_UPDATE_MESSAGE));
  }
  // A status written over HTTPS gets the checks an agent's podStatus message gets.
  errs.push(...validatePodStatus(pod.status));
  return errs;
}
