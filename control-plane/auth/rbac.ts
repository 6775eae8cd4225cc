// RBAC (rbac.authorization.k8s.io/v1) as Kubernetes' authorizer decides it, for the callers
// RBAC governs (ServiceAccount tokens and users the admin impersonates): a request is allowed
// when a binding that names the caller (user, group or ServiceAccount) refers to a role with a
// rule that covers it. ClusterRoleBindings apply everywhere; a RoleBinding within its own
// namespace. Rules match verbs, apiGroups, resources (`pods`, `pods/log`, `*`, `*/status`),
// resourceNames, and nonResourceURLs (exact, or a prefix ending in `*`). Aggregation is not
// done. Pure over the roles and bindings it is given; `storeRbac` reads them from the store.

import type { KubeObject } from "../../shared/api-types.js";
import type { Store } from "../store/store.js";

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RbacSubject {
  kind?: string;
  name?: string;
  namespace?: string;
  apiGroup?: string;
}

/** Who asks: a user name and groups, as Kubernetes' user.Info. */
export interface Caller {
  user: string;
  groups: readonly string[];
}

/** What is asked: a resource request (resource set) or a non-resource one (path set). */
export interface AccessRequest {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

export interface Policy {
  roles: readonly KubeObject[];
  clusterRoles: readonly KubeObject[];
  roleBindings: readonly KubeObject[];
  clusterRoleBindings: readonly KubeObject[];
}

const has = (list: readonly string[] | undefined, value: string): boolean =>
  Array.isArray(list) && (list.includes("*") || list.includes(value));

function rulesOf(role: KubeObject | undefined): PolicyRule[] {
  const rules = role?.["rules"];
  return Array.isArray(rules) ? (rules as PolicyRule[]) : [];
}

/** Whether one rule covers a request. */
export function ruleAllows(rule: PolicyRule, r: AccessRequest): boolean {
  if (!has(rule.verbs, r.verb)) return false;
  if (r.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === "*" || u === r.path || (u.endsWith("*") && (r.path ?? "").startsWith(u.slice(0, -1))),
    );
  }
  if (!has(rule.apiGroups, r.group ?? "")) return false;
  const resource = r.resource ?? "";
  const wanted = r.subresource ? `${resource}/${r.subresource}` : resource;
  const resources = rule.resources ?? [];
  const resourceMatch =
    resources.includes("*") ||
    resources.includes(wanted) ||
    (r.subresource !== undefined && resources.includes(`*/${r.subresource}`));
  if (!resourceMatch) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (r.name !== undefined && names.includes(r.name));
}

/** Whether a binding's subjects name the caller (`namespace`: the binding's, for ServiceAccounts). */
export function bindingNames(binding: KubeObject, caller: Caller, namespace = ""): boolean {
  const subjects = binding["subjects"];
  if (!Array.isArray(subjects)) return false;
  return (subjects as RbacSubject[]).some((s) => {
    switch (s?.kind) {
      case "User":
        return s.name === caller.user;
      case "Group":
        return caller.groups.includes(s.name ?? "");
      case "ServiceAccount":
        return caller.user === `system:serviceaccount:${s.namespace || namespace}:${s.name ?? ""}`;
      default:
        return false;
    }
  });
}

/** The rules that apply to the caller in `namespace` (cluster-wide ones included). */
export function rulesFor(policy: Policy, caller: Caller, namespace?: string): PolicyRule[] {
  const clusterRole = (name: string) => policy.clusterRoles.find((r) => r.metadata.name === name);
  const out: PolicyRule[] = [];
  for (const b of policy.clusterRoleBindings) {
    const ref = b["roleRef"] as { kind?: string; name?: string } | undefined;
    if (ref?.kind === "ClusterRole" && bindingNames(b, caller))
      out.push(...rulesOf(clusterRole(ref.name ?? "")));
  }
  if (namespace) {
    for (const b of policy.roleBindings) {
      if (b.metadata.namespace !== namespace || !bindingNames(b, caller, namespace)) continue;
      const ref = b["roleRef"] as { kind?: string; name?: string } | undefined;
      const role =
        ref?.kind === "ClusterRole"
          ? clusterRole(ref.name ?? "")
          : policy.roles.find((r) => r.metadata.namespace === namespace && r.metadata.name === ref?.name);
      // A ClusterRole bound in a namespace grants its resource rules there only.
      out.push(...rulesOf(role).filter((rule) => !(rule.nonResourceURLs ?? []).length));
    }
  }
  return out;
}

export function allows(policy: Policy, caller: Caller, request: AccessRequest): boolean {
  const namespace = request.path === undefined ? request.namespace : undefined;
  return rulesFor(policy, caller, namespace).some((rule) => ruleAllows(rule, request));
}

/** The RBAC decisions over the store's current roles and bindings. */
export interface RbacAuthorizer {
  allows(caller: Caller, request: AccessRequest): boolean;
  rulesFor(caller: Caller, namespace?: string): PolicyRule[];
}

export function storeRbac(store: Store): RbacAuthorizer {
  const policy = (): Policy => ({
    roles: store.list("roles"),
    clusterRoles: store.list("clusterroles"),
    roleBindings: store.list("rolebindings"),
    clusterRoleBindings: store.list("clusterrolebindings"),
  });
  return {
    allows: (caller, request) => allows(policy(), caller, request),
    rulesFor: (caller, namespace) => rulesFor(policy(), caller, namespace),
  };
}
