// apps/v1 DaemonSet: metadata, selector against template, the pod template with the
// DaemonSet's own restrictions, update strategy and counters; on update, an immutable selector.

import type { DaemonSet } from "../../../shared/api-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { labelSelectorMatches } from "../selectors/label-selector.js";
import { validateLabelSelector } from "./label-selector.js";
import {
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./metadata.js";
import { validatePodSpec } from "./pod-spec.js";
import { unappliedFieldErrors } from "./unapplied-fields.js";
import { canonical, isObject, nonNegativeInt, objectField, typeInvalid } from "./util.js";

const PERCENT_MESSAGE =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
const STRATEGY_TYPES = ["RollingUpdate", "OnDelete"];

/** The number an int-or-percent stands for ("25%" → 25, 2 → 2), as Kubernetes compares them to zero. */
function intOrPercentValue(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = Number.parseInt(/^[0-9]+%$/.test(v) ? v.slice(0, -1) : v, 10);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === "string") {
    if (!/^[0-9]+%$/.test(v)) return [fieldError.invalid(path, v, PERCENT_MESSAGE)];
    return intOrPercentValue(v) > 100 ? [fieldError.invalid(path, v, "must not be greater than 100%")] : [];
  }
  if (typeof v === "number" && Number.isInteger(v)) {
    return v < 0 ? [fieldError.invalid(path, v, "must be greater than or equal to 0")] : [];
  }
  return [fieldError.invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

function booleanField(v: unknown, path: string): FieldError[] {
  return v === undefined || v === null || typeof v === "boolean" ? [] : [typeInvalid(path, v, "a boolean")];
}

function positiveInt(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!Number.isInteger(v)) return [typeInvalid(path, v, "an integer")];
  return (v as number) < 1 ? [fieldError.invalid(path, v, "must be greater than 0")] : [];
}

// ---- everynode's rollout fields (see control-plane/kube/kinds/daemonset-rollout.ts) ----

/** The rollout extension fields of rollingUpdate: types and ranges. */
function validateRolloutExtensions(
  ru: Record<string, unknown>,
  ruPath: string,
  minReady: unknown,
): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...booleanField(ru.paused, `${ruPath}.paused`));
  errs.push(...validateIntOrPercent(ru.partition, `${ruPath}.partition`));
  if (ru.selector !== undefined && ru.selector !== null)
    errs.push(...validateLabelSelector(ru.selector, `${ruPath}.selector`));
  const deadlinePath = `${ruPath}.progressDeadlineSeconds`;
  errs.push(...positiveInt(ru.progressDeadlineSeconds, deadlinePath));
  if (
    Number.isInteger(ru.progressDeadlineSeconds) &&
    Number.isInteger(minReady) &&
    (ru.progressDeadlineSeconds as number) <= (minReady as number)
  )
    errs.push(
      fieldError.invalid(deadlinePath, ru.progressDeadlineSeconds, "must be greater than minReadySeconds"),
    );
  errs.push(...booleanField(ru.autoRollback, `${ruPath}.autoRollback`));
  errs.push(...booleanField(ru.prePull, `${ruPath}.prePull`));
  const apPath = `${ruPath}.autoPause`;
  const ap = objectField(ru.autoPause, apPath, errs);
  if (ap) {
    errs.push(...booleanField(ap.enabled, `${apPath}.enabled`));
    errs.push(...positiveInt(ap.maxRestarts, `${apPath}.maxRestarts`));
    errs.push(...positiveInt(ap.maxNotReadySeconds, `${apPath}.maxNotReadySeconds`));
  }
  return errs;
}

/** Rollout fields that mean something only to RollingUpdate, refused with OnDelete. */
function refuseRolloutFieldsOnDelete(ru: unknown, ruPath: string): FieldError[] {
  if (!isObject(ru)) return [];
  const set: [string, boolean][] = [
    ["paused", ru.paused === true],
    [
      "partition",
      ru.partition !== undefined && ru.partition !== null && intOrPercentValue(ru.partition) !== 0,
    ],
    ["selector", ru.selector !== undefined && ru.selector !== null],
    ["autoRollback", ru.autoRollback === true],
    ["prePull", ru.prePull === true],
  ];
  return set
    .filter(([, on]) => on)
    .map(([k]) => fieldError.forbidden(`${ruPath}.${k}`, "may only be set when type is 'RollingUpdate'"));
}

/**
 * maxSurge runs two pods of the DaemonSet on a node at once: with a hostPort or the host's
 * network they would fight for the port, and the rollout would hang (Kubernetes accepts it).
 */
function refuseSurgeWithHostPorts(
  ru: Record<string, unknown>,
  ruPath: string,
  spec: Record<string, unknown>,
): FieldError[] {
  if (intOrPercentValue(ru.maxSurge) === 0) return [];
  const template = isObject(spec.template) ? spec.template : {};
  const podSpec = isObject(template.spec) ? template.spec : {};
  const field = `${ruPath}.maxSurge`;
  if (podSpec.hostNetwork === true)
    return [
      fieldError.invalid(
        field,
        ru.maxSurge,
        "may not be set when spec.template.spec.hostNetwork is true: two pods on one node would fight for the host's ports; use maxUnavailable",
      ),
    ];
  for (const kind of ["initContainers", "containers"]) {
    const containers = Array.isArray(podSpec[kind]) ? (podSpec[kind] as unknown[]) : [];
    for (const [i, c] of containers.entries()) {
      const ports = isObject(c) && Array.isArray(c.ports) ? c.ports : [];
      for (const [j, port] of ports.entries()) {
        if (!isObject(port) || typeof port.hostPort !== "number" || port.hostPort === 0) continue;
        return [
          fieldError.invalid(
            field,
            ru.maxSurge,
            `may not be set when spec.template.spec.${kind}[${i}].ports[${j}].hostPort is set: two pods on one node would fight for host port ${port.hostPort}; use maxUnavailable`,
          ),
        ];
      }
    }
  }
  return [];
}

function validateUpdateStrategy(
  strategy: unknown,
  path: string,
  spec: Record<string, unknown> = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const s = objectField(strategy, path, errs) ?? {};
  const type = s.type;
  if (type === "OnDelete")
    return [...errs, ...refuseRolloutFieldsOnDelete(s.rollingUpdate, `${path}.rollingUpdate`)];
  if (type !== "RollingUpdate") return [...errs, fieldError.notSupported(path, type ?? "", STRATEGY_TYPES)];
  const ruPath = `${path}.rollingUpdate`;
  const ru = objectField(s.rollingUpdate, ruPath, errs);
  if (!ru) return errs.length > 0 ? errs : [fieldError.required(ruPath)];
  errs.push(...validateIntOrPercent(ru.maxUnavailable, `${ruPath}.maxUnavailable`));
  errs.push(...validateIntOrPercent(ru.maxSurge, `${ruPath}.maxSurge`));
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) {
    errs.push(
      fieldError.invalid(`${ruPath}.maxSurge`, ru.maxSurge, "may not be set when maxUnavailable is non-zero"),
    );
  } else if (!hasUnavailable && !hasSurge) {
    errs.push(fieldError.required(`${ruPath}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
  }
  errs.push(...refuseSurgeWithHostPorts(ru, ruPath, spec));
  errs.push(...validateRolloutExtensions(ru, ruPath, spec.minReadySeconds));
  return errs;
}

function validateSelector(spec: Record<string, unknown>): FieldError[] {
  const selector = spec.selector;
  const template = isObject(spec.template) ? spec.template : {};
  const labels = isObject(template.metadata) ? template.metadata.labels : undefined;
  const errs: FieldError[] = [];
  if (selector === undefined || selector === null) errs.push(fieldError.required("spec.selector"));
  const selectorErrs = validateLabelSelector(selector, "spec.selector");
  errs.push(...selectorErrs);
  // Like Kubernetes, only a selector that parses is compared with the labels.
  const labelMap = isObject(labels) ? (labels as Record<string, string>) : {};
  if (
    selectorErrs.length === 0 &&
    !labelSelectorMatches(isObject(selector) ? selector : undefined, labelMap)
  ) {
    errs.push(
      fieldError.invalid(
        "spec.template.metadata.labels",
        labels,
        "`selector` does not match template `labels`",
      ),
    );
  }
  if (isObject(selector)) {
    const count =
      Object.keys(isObject(selector.matchLabels) ? selector.matchLabels : {}).length +
      (Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0);
    if (count === 0)
      errs.push(fieldError.invalid("spec.selector", selector, "empty selector is invalid for daemonset"));
  }
  return errs;
}

function validateSpec(spec: Record<string, unknown>): FieldError[] {
  const errs = validateSelector(spec);
  const template = objectField(spec.template, "spec.template", errs);
  if (!template) {
    errs.push(fieldError.required("spec.template.spec.containers"));
  } else {
    const meta = objectField(template.metadata, "spec.template.metadata", errs);
    errs.push(...validateLabels(meta?.labels, "spec.template.metadata.labels"));
    errs.push(...validateAnnotations(meta?.annotations, "spec.template.metadata.annotations"));
    errs.push(...validatePodSpec(template.spec, "spec.template.spec", { restartPolicies: ["Always"] }));
    const podSpec = isObject(template.spec) ? template.spec : {};
    if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
      errs.push(
        fieldError.forbidden(
          "spec.template.spec.activeDeadlineSeconds",
          "activeDeadlineSeconds in DaemonSet is not Supported",
        ),
      );
    }
  }
  errs.push(...nonNegativeInt(spec.minReadySeconds, "spec.minReadySeconds"));
  errs.push(...validateUpdateStrategy(spec.updateStrategy, "spec.updateStrategy", spec));
  errs.push(...nonNegativeInt(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  return errs;
}

/** Validates a (defaulted) DaemonSet; with `old`, also the rules of an update. Empty means valid. */
export function validateDaemonSet(ds: DaemonSet, old?: DaemonSet): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, { namespaced: true, nameRule: "subdomain" });
  if (old) errs.push(...validateObjectMetaUpdate(ds.metadata, old.metadata));
  if (!isObject(ds.spec)) return [...errs, fieldError.required("spec")];
  errs.push(...validateSpec(ds.spec));
  // A template the agent could not fully apply is refused when it is written, not when an
  // unrelated field of an older DaemonSet changes.
  if (!old || canonical(ds.spec.template) !== canonical(old.spec?.template)) {
    errs.push(...unappliedFieldErrors(ds.spec.template?.spec, "spec.template.spec"));
  }
  if (old && canonical(ds.spec.selector) !== canonical(old.spec?.selector)) {
    errs.push(fieldError.invalid("spec.selector", ds.spec.selector, "field is immutable"));
  }
  return errs;
}
