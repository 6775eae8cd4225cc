// v1 Node: a DNS-1123 subdomain name, labels and annotations, and taints.

import { validateNodeStatusFacts } from "./node-status.js";
import type { Node } from "../../../shared/api-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./metadata.js";
import { labelValueErrors, qualifiedNameErrors } from "./names.js";
import { validateTaintEffect } from "./scheduling.js";
import { invalidEach, isObject, listField, stringField, typeInvalid } from "./util.js";

/** spec.taints: key and effect required, value a label value, one taint per key and effect. */
export function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  listField(taints, path, errs).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(t)) {
      errs.push(typeInvalid(p, t, "a taint"));
      return;
    }
    const key = stringField(t.key, `${p}.key`, errs);
    if (!key) errs.push(fieldError.required(`${p}.key`));
    else errs.push(...invalidEach(`${p}.key`, key, qualifiedNameErrors(key)));
    const value = stringField(t.value, `${p}.value`, errs);
    const valueMsgs = labelValueErrors(value);
    if (valueMsgs.length > 0) errs.push(fieldError.invalid(`${p}.value`, value, valueMsgs.join(";")));
    const effect = stringField(t.effect, `${p}.effect`, errs);
    errs.push(...validateTaintEffect(effect, false, `${p}.effect`));
    const pair = `${effect}\u0000${key}`;
    if (seen.has(pair)) {
      const dup = fieldError.duplicate(p, t);
      errs.push({ ...dup, message: `${dup.message}: taints must be unique by key and effect pair` });
    }
    seen.add(pair);
  });
  return errs;
}

/** Validates a Node; with `old`, also that its name did not change. */
export function validateNode(node: Node, old?: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, nameRule: "subdomain" });
  if (old) errs.push(...validateObjectMetaUpdate(node.metadata, old.metadata));
  if (node.spec !== undefined && node.spec !== null && !isObject(node.spec)) {
    return [...errs, typeInvalid("spec", node.spec, "an object")];
  }
  errs.push(...validateTaints(node.spec?.taints, "spec.taints"));
  if (node.spec?.unschedulable !== undefined && typeof node.spec.unschedulable !== "boolean") {
    errs.push(typeInvalid("spec.unschedulable", node.spec.unschedulable, "a boolean"));
  }
  // The same checks as an agent's hello: one bad address must not break every node list.
  errs.push(...validateNodeStatusFacts(node.status));
  return errs;
}
