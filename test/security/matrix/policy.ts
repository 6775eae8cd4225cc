// Who may do what: the expected answer of every (caller, route) cell of the auth matrix.
// Every resource route targets node A's things (its Node, a pod bound to it, an event about
// it) or a collection; "node-self" holds A's credential, "node-other" B's.

import type { Route } from "./routes.js";

export type Caller =
  | "admin"
  | "node-self"
  | "node-other"
  | "join"
  | "metrics"
  | "join-expired"
  | "node-revoked"
  | "none"
  | "garbage"
  | "wrong-secret"
  | "sa-bound"
  | "sa-unbound";

export const CALLERS: Caller[] = [
  "admin",
  "node-self",
  "node-other",
  "join",
  "metrics",
  "join-expired",
  "node-revoked",
  "none",
  "garbage",
  "wrong-secret",
  "sa-bound",
  "sa-unbound",
];

/** A token the server does not accept (now): every route but the public ones answers 401. */
const UNAUTHENTICATED: Caller[] = ["join-expired", "node-revoked", "none", "garbage", "wrong-secret"];

/** `also`: other refusals that are as good (nothing happens, nothing is revealed). */
export type Outcome = { allow: true } | { allow: false; status: 401 | 403; also?: number[] };

const ALLOW: Outcome = { allow: true };
const UNAUTHORIZED = { allow: false, status: 401 } as const;
const FORBIDDEN = { allow: false, status: 403 } as const;

/**
 * What a node credential may do on resource routes, besides nothing:
 * - `any`: whichever node it is (read the node list, as a kubelet does);
 * - `own`: only on its own things (its Node, pods bound to it, events about itself);
 * - `pinned`: list or watch only with a field selector that pins spec.nodeName to itself.
 */
export const NODE_MAY: { resource: string; sub?: string; verbs: string[]; on: "any" | "own" | "pinned" }[] = [
  { resource: "nodes", verbs: ["list", "watch"], on: "any" },
  { resource: "nodes", verbs: ["get", "update", "patch", "delete"], on: "own" },
  { resource: "nodes", sub: "status", verbs: ["get", "update", "patch"], on: "own" },
  { resource: "pods", verbs: ["get"], on: "own" },
  { resource: "pods", sub: "status", verbs: ["get", "update", "patch"], on: "own" },
  { resource: "pods", verbs: ["list", "watch"], on: "pinned" },
  { resource: "events", verbs: ["create"], on: "own" },
];

/**
 * What the ServiceAccount "sa-bound" is granted (fixture.ts makes the Role and bindings): in
 * the matrix namespace, reads of configmaps and pods and the pods' logs, get and patch of
 * the DaemonSet named "matrix" only (resourceNames); cluster-wide, system:monitoring's
 * GET /metrics. "sa-unbound" has no bindings: discovery (every authenticated caller's) only.
 */
export const SA_MAY: { resource: string; sub?: string; verbs: string[]; name?: string }[] = [
  { resource: "configmaps", verbs: ["get", "list", "watch"] },
  { resource: "pods", verbs: ["get", "list", "watch"] },
  { resource: "pods", sub: "log", verbs: ["get"] },
  { resource: "daemonsets", verbs: ["get", "patch"], name: "matrix" },
];

function serviceAccountMay(route: Route): boolean {
  if (route.shape === "allNamespaces" || route.namespaced !== true) return false;
  return SA_MAY.some(
    (r) =>
      r.resource === route.resource &&
      r.sub === route.subresource &&
      r.verbs.includes(route.verb ?? "") &&
      (r.name === undefined || route.shape === "item"),
  );
}

function nodeMay(route: Route, self: boolean): boolean {
  const rule = NODE_MAY.find(
    (r) => r.resource === route.resource && r.sub === route.subresource && r.verbs.includes(route.verb ?? ""),
  );
  if (!rule) return false;
  if (rule.on === "any") return true;
  if (rule.on === "own") return self;
  return self && route.selector?.pins === true;
}

/** The expected answer of one cell. */
export function expected(caller: Caller, route: Route): Outcome {
  if (route.kind === "public") return ALLOW;
  if (UNAUTHENTICATED.includes(caller)) return UNAUTHORIZED;
  const node = caller === "node-self" || caller === "node-other";
  const serviceAccount = caller === "sa-bound" || caller === "sa-unbound";
  // The self-authenticating routers (agents, leases, join tokens) know no ServiceAccount token.
  if (serviceAccount && ["agentConnect", "register", "lease", "joinTokens"].includes(route.kind))
    return UNAUTHORIZED;
  switch (route.kind) {
    // Routes that take one kind of credential answer 401 to any other: the upgrade speaks for
    // a node (as itself, so any node may connect), registration needs a join token.
    case "agentConnect":
      return node ? ALLOW : UNAUTHORIZED;
    case "register":
      return caller === "join" ? ALLOW : UNAUTHORIZED;
    case "document":
      return caller === "join" || caller === "metrics" ? FORBIDDEN : ALLOW;
    // Prometheus' endpoint: the admin and the read-only metrics token (the data dir's metrics-token).
    case "metrics":
      return caller === "admin" || caller === "metrics" || caller === "sa-bound" ? ALLOW : FORBIDDEN;
    // Any authenticated caller may ask what it may do, but a join token.
    case "accessReview":
      return caller === "join" ? FORBIDDEN : ALLOW;
    case "lease":
      return caller === "admin" || caller === "node-self" ? ALLOW : FORBIDDEN;
    case "joinTokens":
      return caller === "admin" ? ALLOW : FORBIDDEN;
    case "resource":
      if (caller === "admin") return ALLOW;
      if (caller === "sa-bound" && serviceAccountMay(route)) return ALLOW;
      if (!node && !serviceAccount) return FORBIDDEN;
      if (serviceAccount)
        return route.verb === "create" && route.shape === "allNamespaces"
          ? { ...FORBIDDEN, also: [404] }
          : FORBIDDEN;
      if (nodeMay(route, caller === "node-self")) return ALLOW;
      // A create without a namespace has nowhere to go: "not found" refuses it as well.
      if (route.verb === "create" && route.shape === "allNamespaces") return { ...FORBIDDEN, also: [404] };
      return FORBIDDEN;
  }
  return FORBIDDEN;
}
