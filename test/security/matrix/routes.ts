// Every route the control plane serves, derived from the tables the server routes by: the
// RESOURCES table (through the server's own path parser and verb decider) for resource URLs,
// the discovery and OpenAPI index for the documents, and the exported path constants of the
// self-authenticating routers. A kind added to RESOURCES shows up here without an edit.
// Paths are templates: `{namespace}` and `{<resource>}` are filled in from the fixture.

import {
  SELF_ACCESS_REVIEW_PATH,
  SELF_RULES_REVIEW_PATH,
} from "../../../control-plane/api/access-reviews.js";
import { METRICS_PATH } from "../../../control-plane/api/authorization.js";
import { verbOf } from "../../../control-plane/api/resource-routes.js";
import { parseResourcePath } from "../../../control-plane/api/request-target.js";
import { JOIN_TOKENS_PATH } from "../../../control-plane/auth/token-routes.js";
import { LEASE_PATH } from "../../../control-plane/nodes/lease-router.js";
import { AGENT_CONNECT_PATH, AGENT_REGISTER_PATH, CA_CERT_PATH } from "../../../shared/protocol.js";
import type { ResourceInfo, ResourceName } from "../../../control-plane/kube/index.js";
import { ALL_RESOURCES, apiVersionOf, openApiV3Index, REGISTRY } from "../../../control-plane/kube/index.js";

/** Which router serves a route, which is what decides who may call it. */
export type RouteKind =
  | "public"
  | "document"
  | "resource"
  | "register"
  | "agentConnect"
  | "joinTokens"
  | "lease"
  | "metrics"
  | "accessReview";

export type Shape = "collection" | "allNamespaces" | "item";

export interface Route {
  /** Readable and unique: "PATCH /api/v1/nodes/{nodes}/status", plus the query. */
  id: string;
  kind: RouteKind;
  method: string;
  template: string;
  /** Query without dryRun (the matrix adds that to allowed writes). */
  query: string;
  /** Kubernetes verb for resource routes (the server's own verbOf). */
  verb?: string;
  resource?: ResourceName;
  /** Whether the resource is namespaced (RBAC's Roles apply within a namespace only). */
  namespaced?: boolean;
  subresource?: string;
  shape?: Shape;
  /** The field selector variant of a pod list or watch, if any. */
  selector?: SelectorVariant;
  /** A watch stream: the matrix reads only the status line. */
  stream: boolean;
}

/** Field selectors a node credential might try on pods; `pins` is the node it pins, if any. */
export interface SelectorVariant {
  name: string;
  /** With `{node}` for the node whose pods are wanted. */
  fieldSelector: string;
  pins: boolean;
}

export const POD_SELECTOR_VARIANTS: SelectorVariant[] = [
  { name: "pinned to the node", fieldSelector: "spec.nodeName={node}", pins: true },
  // The campaign's escaped-comma finding: one term on metadata.name that only looks pinned.
  { name: "escaped comma", fieldSelector: "metadata.name!=x\\,spec.nodeName={node}", pins: false },
];

// Subresource names the parser is asked about; only those it accepts become routes.
const SUBRESOURCE_CANDIDATES = [
  "status",
  "log",
  "eviction",
  "token",
  "finalize",
  "binding",
  "scale",
  "exec",
  "proxy",
];
const METHODS: { method: string; watch: boolean }[] = [
  { method: "GET", watch: false },
  { method: "GET", watch: true },
  { method: "POST", watch: false },
  { method: "PUT", watch: false },
  { method: "PATCH", watch: false },
  { method: "DELETE", watch: false },
];

function prefixOf(info: ResourceInfo): string {
  return info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
}

function pathsOf(info: ResourceInfo): { template: string; shape: Shape; subresource?: string }[] {
  const r = info.resource;
  const base = prefixOf(info);
  const scoped = info.namespaced ? `${base}/namespaces/{namespace}/${r}` : `${base}/${r}`;
  const out: { template: string; shape: Shape; subresource?: string }[] = [];
  if (info.namespaced) out.push({ template: `${base}/${r}`, shape: "allNamespaces" });
  out.push({ template: scoped, shape: "collection" });
  out.push({ template: `${scoped}/{${r}}`, shape: "item" });
  for (const sub of SUBRESOURCE_CANDIDATES) {
    const template = `${scoped}/{${r}}/${sub}`;
    if (parseResourcePath(sample(template))?.subresource === sub)
      out.push({ template, shape: "item", subresource: sub });
  }
  return out;
}

function sample(template: string): string {
  return template.replace(/\{[a-z]+\}/g, "x");
}

function resourceRoutes(): Route[] {
  const routes: Route[] = [];
  for (const info of ALL_RESOURCES) {
    for (const p of pathsOf(info)) {
      const target = parseResourcePath(sample(p.template));
      if (!target) throw new Error(`the server does not parse its own path ${p.template}`);
      for (const m of METHODS) {
        const q = new URLSearchParams(m.watch ? "watch=true" : "");
        const verb = verbOf(m.method, target, q);
        if (!verb) continue;
        const variants: (SelectorVariant | undefined)[] =
          info.resource === "pods" && (verb === "list" || verb === "watch") && p.shape !== "item"
            ? [undefined, ...POD_SELECTOR_VARIANTS]
            : [undefined];
        for (const selector of variants) {
          const query = new URLSearchParams(q);
          if (selector) query.set("fieldSelector", selector.fieldSelector);
          const qs = query.toString().replace(/%7Bnode%7D/g, "{node}");
          const route: Route = {
            id: `${m.method} ${p.template}${qs ? `?${decodeURIComponent(qs)}` : ""}`,
            kind: "resource",
            method: m.method,
            template: p.template,
            query: qs,
            verb,
            resource: info.resource,
            namespaced: info.namespaced,
            shape: p.shape,
            stream: verb === "watch",
          };
          if (p.subresource) route.subresource = p.subresource;
          if (selector) route.selector = selector;
          routes.push(route);
        }
      }
    }
  }
  return routes;
}

function simple(kind: RouteKind, method: string, template: string): Route {
  return { id: `${method} ${template}`, kind, method, template, query: "", stream: false };
}

function documentRoutes(): Route[] {
  const groupVersions = [...new Set(ALL_RESOURCES.map((r) => prefixOf(r)))];
  const openapi = Object.keys((openApiV3Index(REGISTRY) as { paths: Record<string, unknown> }).paths);
  const paths = [
    "/api",
    "/apis",
    ...groupVersions,
    "/openapi/v2",
    "/swagger-2.0.0.pb-v1",
    "/openapi/v3",
    ...openapi.map((gv) => `/openapi/v3/${gv}`),
  ];
  return paths.map((p) => simple("document", "GET", p));
}

/** Every route, in a stable order. */
export function allRoutes(): Route[] {
  return [
    ...["/version", "/healthz", "/livez", "/readyz", CA_CERT_PATH].map((p) => simple("public", "GET", p)),
    ...documentRoutes(),
    ...resourceRoutes(),
    simple("lease", "GET", LEASE_PATH.replace(":name", "{nodes}")),
    simple("joinTokens", "GET", JOIN_TOKENS_PATH),
    simple("joinTokens", "POST", JOIN_TOKENS_PATH),
    simple("joinTokens", "GET", `${JOIN_TOKENS_PATH}/{jointoken}`),
    simple("joinTokens", "DELETE", `${JOIN_TOKENS_PATH}/{jointoken}`),
    simple("metrics", "GET", METRICS_PATH),
    simple("accessReview", "POST", SELF_ACCESS_REVIEW_PATH),
    simple("accessReview", "POST", SELF_RULES_REVIEW_PATH),
    simple("register", "POST", AGENT_REGISTER_PATH),
    simple("agentConnect", "GET", AGENT_CONNECT_PATH),
  ];
}

/** The kinds RESOURCES serves, for the test that no kind is missing from the matrix. */
export function servedApiVersions(): string[] {
  return ALL_RESOURCES.map((r) => `${apiVersionOf(r)}/${r.resource}`);
}
