// metav1.LabelSelector: its validation, and whether it matches a set of labels (needed to
// check a DaemonSet's selector against its template's labels).

import type { LabelSelector } from "../../../shared/api-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { validateLabels } from "./metadata.js";
import { labelValueErrors, qualifiedNameErrors } from "./names.js";
import { invalidEach, isObject, listField, stringField, typeInvalid } from "./util.js";

/** Validates matchLabels and each matchExpressions entry (key, operator, values). */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (selector === undefined || selector === null) return [];
  if (!isObject(selector)) return [typeInvalid(path, selector, "a label selector")];
  const errs: FieldError[] = [...validateLabels(selector.matchLabels, `${path}.matchLabels`)];
  listField(selector.matchExpressions, `${path}.matchExpressions`, errs).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (!isObject(req)) {
      errs.push(typeInvalid(p, req, "a selector requirement"));
      return;
    }
    const values = listField(req.values, `${p}.values`, errs);
    const operator = stringField(req.operator, `${p}.operator`, errs);
    switch (operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) {
          errs.push(
            fieldError.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        }
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) {
          errs.push(
            fieldError.forbidden(
              `${p}.values`,
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      default:
        errs.push(fieldError.invalid(`${p}.operator`, operator, "not a valid selector operator"));
    }
    const key = stringField(req.key, `${p}.key`, errs);
    errs.push(...invalidEach(`${p}.key`, key, qualifiedNameErrors(key)));
    values.forEach((v, j) => {
      if (typeof v !== "string") errs.push(typeInvalid(`${p}.values[${j}]`, v, "a string"));
      else errs.push(...invalidEach(`${p}.values[${j}]`, v, labelValueErrors(v)));
    });
  });
  return errs;
}

/**
 * Whether `selector` selects an object with `labels`. A missing selector selects nothing
 * and an empty one everything, as Kubernetes' LabelSelectorAsSelector does.
 */
export function labelSelectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!isObject(selector)) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  }
  for (const req of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const has = Object.hasOwn(labels, req.key);
    const values = req.values ?? [];
    const value = has ? labels[req.key] : undefined;
    switch (req.operator) {
      case "In":
        if (!has || !values.includes(value ?? "")) return false;
        break;
      case "NotIn":
        if (has && values.includes(value ?? "")) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
