// metav1.LabelSelector: its validation. Matching is selectors/label-selector.ts's.

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
