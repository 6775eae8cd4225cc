// The scheduling vocabulary of a pod spec: tolerations, taint effects and node affinity
// (node selector terms), with Kubernetes' rules and messages.

import { TAINT_EFFECTS } from "../../../shared/api-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { dns1123SubdomainErrors, labelValueErrors, qualifiedNameErrors } from "./names.js";
import { invalidEach, isObject, listField, objectField, stringField, typeInvalid } from "./util.js";

/** A taint or toleration effect; `allowEmpty` for tolerations, where "" matches every effect. */
export function validateTaintEffect(effect: string, allowEmpty: boolean, path: string): FieldError[] {
  if (!effect) return allowEmpty ? [] : [fieldError.required(path)];
  return (TAINT_EFFECTS as readonly string[]).includes(effect)
    ? []
    : [fieldError.notSupported(path, effect, [...TAINT_EFFECTS])];
}

/** spec.tolerations: key syntax, the Exists/Equal rules, tolerationSeconds only with NoExecute. */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  listField(tolerations, path, errs).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(t)) {
      errs.push(typeInvalid(p, t, "a toleration"));
      return;
    }
    const key = stringField(t.key, `${p}.key`, errs);
    const operator = stringField(t.operator, `${p}.operator`, errs);
    const value = stringField(t.value, `${p}.value`, errs);
    const effect = stringField(t.effect, `${p}.effect`, errs);
    if (key) errs.push(...invalidEach(`${p}.key`, key, qualifiedNameErrors(key)));
    if (!key && operator !== "Exists") {
      errs.push(
        fieldError.invalid(
          `${p}.operator`,
          operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) {
      if (!Number.isInteger(t.tolerationSeconds)) {
        errs.push(typeInvalid(`${p}.tolerationSeconds`, t.tolerationSeconds, "an integer"));
      }
      if (effect !== "NoExecute") {
        errs.push(
          fieldError.invalid(
            `${p}.effect`,
            effect,
            "effect must be 'NoExecute' when `tolerationSeconds` is set",
          ),
        );
      }
    }
    switch (operator) {
      case "":
      case "Equal": {
        const msgs = labelValueErrors(value);
        if (msgs.length > 0) errs.push(fieldError.invalid(`${p}.operator`, value, msgs.join(";")));
        break;
      }
      case "Exists":
        if (value)
          errs.push(
            fieldError.invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"),
          );
        break;
      default:
        errs.push(fieldError.notSupported(`${p}.operator`, operator, ["Equal", "Exists"]));
    }
    errs.push(...validateTaintEffect(effect, true, `${p}.effect`));
  });
  return errs;
}

function validateRequirementShape(req: unknown, path: string, errs: FieldError[]) {
  if (!isObject(req)) {
    errs.push(typeInvalid(path, req, "a node selector requirement"));
    return undefined;
  }
  return {
    key: stringField(req.key, `${path}.key`, errs),
    operator: stringField(req.operator, `${path}.operator`, errs),
    values: listField(req.values, `${path}.values`, errs),
  };
}

/** A matchExpressions entry: operator/values rules, then the key as a label name. */
function validateNodeSelectorRequirement(req: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = validateRequirementShape(req, path, errs);
  if (!r) return errs;
  switch (r.operator) {
    case "In":
    case "NotIn":
      if (r.values.length === 0) {
        errs.push(
          fieldError.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
        );
      }
      break;
    case "Exists":
    case "DoesNotExist":
      if (r.values.length > 0) {
        errs.push(
          fieldError.forbidden(
            `${path}.values`,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
      break;
    case "Gt":
    case "Lt":
      if (r.values.length !== 1) {
        errs.push(
          fieldError.required(
            `${path}.values`,
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
          ),
        );
      } else if (typeof r.values[0] !== "string" || !isInt64(r.values[0])) {
        // Kubernetes only finds this when matching (the term then never matches); everynode says so at once.
        errs.push(
          fieldError.invalid(`${path}.values[0]`, r.values[0], "must be an integer for 'Gt' and 'Lt'"),
        );
      }
      break;
    default:
      errs.push(fieldError.invalid(`${path}.operator`, r.operator, "not a valid selector operator"));
  }
  errs.push(...invalidEach(`${path}.key`, r.key, qualifiedNameErrors(r.key)));
  return errs;
}

function isInt64(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** A matchFields entry: only metadata.name, with In or NotIn and exactly one value. */
function validateNodeFieldSelectorRequirement(req: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = validateRequirementShape(req, path, errs);
  if (!r) return errs;
  if (r.operator === "In" || r.operator === "NotIn") {
    if (r.values.length !== 1) {
      errs.push(
        fieldError.required(
          `${path}.values`,
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
    }
  } else {
    errs.push(fieldError.invalid(`${path}.operator`, r.operator, "not a valid selector operator"));
  }
  if (r.key !== "metadata.name") {
    errs.push(fieldError.invalid(`${path}.key`, r.key, "not a valid field selector key"));
  } else {
    r.values.forEach((v, i) => {
      const s = typeof v === "string" ? v : "";
      errs.push(...invalidEach(`${path}.values[${i}]`, v, dns1123SubdomainErrors(s)));
    });
  }
  return errs;
}

function validateNodeSelectorTerm(term: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(term)) return [typeInvalid(path, term, "a node selector term")];
  listField(term.matchExpressions, `${path}.matchExpressions`, errs).forEach((r, j) =>
    errs.push(...validateNodeSelectorRequirement(r, `${path}.matchExpressions[${j}]`)),
  );
  listField(term.matchFields, `${path}.matchFields`, errs).forEach((r, j) =>
    errs.push(...validateNodeFieldSelectorRequirement(r, `${path}.matchFields[${j}]`)),
  );
  return errs;
}

/** A required node selector: at least one term, each term's requirements valid. */
export function validateNodeSelector(selector: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = objectField(selector, path, errs);
  if (!sel) return errs;
  const termsPath = `${path}.nodeSelectorTerms`;
  const terms = listField(sel.nodeSelectorTerms, termsPath, errs);
  if (terms.length === 0 && errs.length === 0) {
    return [fieldError.required(termsPath, "must have at least one node selector term")];
  }
  terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${termsPath}[${i}]`)));
  return errs;
}

/** spec.affinity: node affinity is checked; pod (anti-)affinity is kept as given. */
export function validateAffinity(affinity: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const aff = objectField(affinity, path, errs);
  const na = objectField(aff?.nodeAffinity, `${path}.nodeAffinity`, errs);
  if (!na) return errs;
  const base = `${path}.nodeAffinity`;
  if (na.requiredDuringSchedulingIgnoredDuringExecution !== undefined) {
    const p = `${base}.requiredDuringSchedulingIgnoredDuringExecution`;
    errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, p));
  }
  const prefPath = `${base}.preferredDuringSchedulingIgnoredDuringExecution`;
  listField(na.preferredDuringSchedulingIgnoredDuringExecution, prefPath, errs).forEach((pref, i) => {
    const p = `${prefPath}[${i}]`;
    if (!isObject(pref)) {
      errs.push(typeInvalid(p, pref, "a preferred scheduling term"));
      return;
    }
    const w = pref.weight;
    if (!Number.isInteger(w) || (w as number) < 1 || (w as number) > 100) {
      errs.push(fieldError.invalid(`${p}.weight`, w, "must be in the range 1-100"));
    }
    errs.push(...validateNodeSelectorTerm(pref.preference ?? {}, `${p}.preference`));
  });
  return errs;
}
