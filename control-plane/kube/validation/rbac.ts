// rbac.authorization.k8s.io/v1: Role and ClusterRole rules, RoleBinding and
// ClusterRoleBinding subjects and roleRef (immutable), as Kubernetes validates them.
// `aggregationRule` is refused: everynode does not aggregate ClusterRoles, and a role that
// would silently grant nothing is worse than a clear 422.

import type { KubeObject } from "../../../shared/api-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./metadata.js";
import { canonical, isObject, listField, typeInvalid } from "./util.js";

export const RBAC_GROUP = "rbac.authorization.k8s.io";

function strings(value: unknown, path: string, errs: FieldError[]): string[] {
  return listField(value, path, errs).filter((v, i) => {
    if (typeof v === "string") return true;
    errs.push(typeInvalid(`${path}[${i}]`, v, "a string"));
    return false;
  }) as string[];
}

function validateRules(rules: unknown, clusterScoped: boolean, errs: FieldError[]): void {
  listField(rules, "rules", errs).forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!isObject(rule)) {
      errs.push(typeInvalid(at, rule, "an object"));
      return;
    }
    const verbs = strings(rule["verbs"], `${at}.verbs`, errs);
    if (verbs.length === 0)
      errs.push(fieldError.required(`${at}.verbs`, "verbs must contain at least one value"));
    const urls = strings(rule["nonResourceURLs"], `${at}.nonResourceURLs`, errs);
    const groups = strings(rule["apiGroups"], `${at}.apiGroups`, errs);
    const resources = strings(rule["resources"], `${at}.resources`, errs);
    strings(rule["resourceNames"], `${at}.resourceNames`, errs);
    if (urls.length > 0) {
      if (!clusterScoped)
        errs.push(
          fieldError.invalid(
            `${at}.nonResourceURLs`,
            urls,
            "namespaced rules cannot apply to non-resource URLs",
          ),
        );
      if (groups.length > 0 || resources.length > 0)
        errs.push(
          fieldError.invalid(
            `${at}.nonResourceURLs`,
            urls,
            "rules cannot apply to both regular resources and non-resource URLs",
          ),
        );
      return;
    }
    if (groups.length === 0)
      errs.push(fieldError.required(`${at}.apiGroups`, "resource rules must supply at least one api group"));
    if (resources.length === 0)
      errs.push(fieldError.required(`${at}.resources`, "resource rules must supply at least one resource"));
  });
}

/** Validates a Role (namespaced) or a ClusterRole. */
export function validateRole(
  role: KubeObject,
  old: KubeObject | undefined,
  clusterScoped: boolean,
): FieldError[] {
  const errs = validateObjectMeta(role.metadata, { namespaced: !clusterScoped, nameRule: "path" });
  validateRules(role["rules"], clusterScoped, errs);
  if (role["aggregationRule"] !== undefined && role["aggregationRule"] !== null)
    errs.push(
      fieldError.forbidden(
        "aggregationRule",
        "everynode does not aggregate ClusterRoles; list the rules in the role itself",
      ),
    );
  if (old) errs.push(...validateObjectMetaUpdate(role.metadata, old.metadata));
  return errs;
}

const SUBJECT_KINDS = ["ServiceAccount", "User", "Group"];

/** Validates a RoleBinding (namespaced) or a ClusterRoleBinding. */
export function validateBinding(
  b: KubeObject,
  old: KubeObject | undefined,
  clusterScoped: boolean,
): FieldError[] {
  const errs = validateObjectMeta(b.metadata, { namespaced: !clusterScoped, nameRule: "path" });
  const ref = b["roleRef"];
  if (!isObject(ref)) errs.push(fieldError.required("roleRef"));
  else {
    if (ref["apiGroup"] !== RBAC_GROUP)
      errs.push(fieldError.notSupported("roleRef.apiGroup", ref["apiGroup"] ?? "", [RBAC_GROUP]));
    const kinds = clusterScoped ? ["ClusterRole"] : ["Role", "ClusterRole"];
    if (!kinds.includes(String(ref["kind"])))
      errs.push(fieldError.notSupported("roleRef.kind", ref["kind"] ?? "", kinds));
    if (typeof ref["name"] !== "string" || ref["name"] === "") errs.push(fieldError.required("roleRef.name"));
  }
  listField(b["subjects"], "subjects", errs).forEach((s, i) => {
    const at = `subjects[${i}]`;
    if (!isObject(s)) {
      errs.push(typeInvalid(at, s, "an object"));
      return;
    }
    if (!SUBJECT_KINDS.includes(String(s["kind"])))
      errs.push(fieldError.notSupported(`${at}.kind`, s["kind"] ?? "", SUBJECT_KINDS));
    if (typeof s["name"] !== "string" || s["name"] === "") errs.push(fieldError.required(`${at}.name`));
    if (s["kind"] === "ServiceAccount") {
      if (s["apiGroup"] !== undefined && s["apiGroup"] !== "")
        errs.push(fieldError.notSupported(`${at}.apiGroup`, s["apiGroup"], [""]));
      if (clusterScoped && !s["namespace"]) errs.push(fieldError.required(`${at}.namespace`));
    } else if (s["kind"] === "User" || s["kind"] === "Group") {
      if (s["apiGroup"] !== RBAC_GROUP)
        errs.push(fieldError.notSupported(`${at}.apiGroup`, s["apiGroup"] ?? "", [RBAC_GROUP]));
    }
  });
  if (old) {
    errs.push(...validateObjectMetaUpdate(b.metadata, old.metadata));
    if (canonical(b["roleRef"]) !== canonical(old["roleRef"]))
      errs.push(fieldError.invalid("roleRef", b["roleRef"], "cannot change roleRef"));
  }
  return errs;
}

/** rbac/v1's defaults: a User or Group subject's apiGroup is RBAC's when left out. */
export function applyBindingDefaults(b: KubeObject): KubeObject {
  const subjects = b["subjects"];
  if (!Array.isArray(subjects)) return b;
  return {
    ...b,
    subjects: subjects.map((s: unknown) =>
      isObject(s) &&
      (s["kind"] === "User" || s["kind"] === "Group") &&
      (s["apiGroup"] === undefined || s["apiGroup"] === "")
        ? { ...s, apiGroup: RBAC_GROUP }
        : s,
    ),
  };
}
