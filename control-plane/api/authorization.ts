// Who may do what: a pure decider over the principal and the request's attributes.
// admin: everything. node N: read nodes, write only its own Node (and its status), read and
// report status for the pods bound to N only, record events. join: nothing here (its one
// use is the registration router, mounted before authentication). ServiceAccount tokens and
// users the admin impersonates: what their RBAC bindings grant (auth/rbac.ts), nothing
// without an RBAC view. A kind added later is the admin's alone (and RBAC's) until a line
// here says what a node's credential may do with it.

import type { KubeObject, Pod } from "../../shared/api-types.js";
import { errors, type EverynodeError } from "../../shared/errors.js";
import { type ResourceName, type Verb, type FieldRequirement } from "../kube/index.js";
import { serviceAccountUser, type Principal } from "../auth/principal.js";
import type { AccessRequest, Caller, RbacAuthorizer } from "../auth/rbac.js";

export type { Verb } from "../kube/index.js";

/** What a resource request does, as the decider sees it. */
export interface RequestAttributes {
  verb: Verb;
  /** A stored kind's; an access review may ask about any resource name. */
  resource: ResourceName | (string & {});
  group: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /**
   * The parsed fieldSelector of a list or watch: the very requirements its filter applies
   * (never a second parse of the raw text, which could read it differently).
   */
  fieldRequirements?: readonly FieldRequirement[];
  /** The stored object of an item request, when it exists (pods: where it is bound). */
  object?: KubeObject;
}

/** The user name Kubernetes would show for a principal. */
export function userName(p: Principal): string {
  if (p.kind === "admin") return p.name;
  if (p.kind === "node") return `system:node:${p.nodeName}`;
  if (p.kind === "metrics") return `everynode:metrics:${p.tokenId}`;
  if (p.kind === "serviceaccount") return serviceAccountUser(p.namespace, p.name);
  if (p.kind === "user") return p.name;
  return `system:bootstrap:${p.tokenId}`;
}

/**
 * True when the selector requires `spec.nodeName` to equal `node` (`=` or `==`, in any term
 * order). Every requirement must hold for an object to be listed, so such a list or watch
 * returns only that node's pods.
 */
export function selectsNode(reqs: readonly FieldRequirement[] | undefined, node: string): boolean {
  return (reqs ?? []).some((r) => r.field === "spec.nodeName" && r.operator === "=" && r.value === node);
}

function boundTo(object: KubeObject | undefined, node: string): boolean {
  // A missing pod is allowed through so that the agent gets the 404 that tells it the pod is gone.
  return object === undefined || (object as Pod).spec?.nodeName === node;
}

function nodeMay(node: string, a: RequestAttributes): boolean {
  // Every rule below is of the core group (metrics.k8s.io's nodes and pods are not a node's).
  if (a.group !== "") return false;
  const sub = a.subresource;
  switch (a.resource) {
    case "nodes":
      if ((a.verb === "list" || a.verb === "watch") && sub === undefined) return true;
      if (a.name !== node) return false;
      if (sub === undefined) return ["get", "update", "patch", "delete"].includes(a.verb);
      return sub === "status" && ["get", "update", "patch"].includes(a.verb);
    case "pods":
      if (a.verb === "list" || a.verb === "watch")
        return sub === undefined && selectsNode(a.fieldRequirements, node);
      if (sub === undefined) return a.verb === "get" && boundTo(a.object, node);
      return sub === "status" && ["get", "update", "patch"].includes(a.verb) && boundTo(a.object, node);
    case "events":
      return a.verb === "create";
    default:
      return false;
  }
}

/** The user and groups RBAC judges, for the principals RBAC governs. */
export function rbacCallerOf(p: Principal): Caller | undefined {
  if (p.kind === "serviceaccount")
    return {
      user: serviceAccountUser(p.namespace, p.name),
      groups: ["system:serviceaccounts", `system:serviceaccounts:${p.namespace}`, "system:authenticated"],
    };
  if (p.kind === "user") return { user: p.name, groups: [...new Set([...p.groups, "system:authenticated"])] };
  return undefined;
}

/** Whether the principal may make the request; `rbac` judges ServiceAccounts and impersonated users. */
export function isAllowed(p: Principal, a: RequestAttributes, rbac?: RbacAuthorizer): boolean {
  if (p.kind === "admin") return true;
  if (p.kind === "node") return nodeMay(p.nodeName, a);
  const caller = rbacCallerOf(p);
  if (!caller || !rbac) return false;
  const request: AccessRequest = { verb: a.verb, group: a.group, resource: a.resource };
  if (a.subresource !== undefined) request.subresource = a.subresource;
  if (a.namespace !== undefined) request.namespace = a.namespace;
  if (a.name !== undefined) request.name = a.name;
  return rbac.allows(caller, request);
}

/** The Prometheus endpoint. */
export const METRICS_PATH = "/metrics";

/**
 * Non-resource paths (the `nonResourceURLs` of RBAC), read with `verb` (get). /metrics: the
 * admin and the metrics token only (a node's credential has no business with the fleet's
 * figures). Everything else (discovery, OpenAPI): any agent or admin, never a join token or
 * the metrics token. RBAC hook: a subject granted `verb` on `path` is allowed here too.
 */
export function mayReadNonResource(p: Principal, path: string, verb = "get", rbac?: RbacAuthorizer): boolean {
  const caller = rbacCallerOf(p);
  // What RBAC grants (a binding to system:monitoring for /metrics), besides the defaults below.
  if (caller && rbac?.allows(caller, { verb, path })) return true;
  if (verb !== "get") return p.kind === "admin";
  if (path === METRICS_PATH) return p.kind === "admin" || p.kind === "metrics";
  return p.kind !== "join" && p.kind !== "metrics";
}

/** The 403 Kubernetes would answer, worded as it words it. */
export function forbidden(p: Principal, a: RequestAttributes): EverynodeError {
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : "at the cluster scope";
  return errors.forbidden(
    `${subject} is forbidden: User "${userName(p)}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`,
  );
}

/** The 403 for a non-resource path. */
export function forbiddenPath(p: Principal, verb: string, path: string): EverynodeError {
  return errors.forbidden(`forbidden: User "${userName(p)}" cannot ${verb} path "${path}"`);
}
