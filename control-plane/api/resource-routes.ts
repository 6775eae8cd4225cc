// The one handler for every resource URL: works out the verb, loads the stored object of an
// item URL, parses a list's or watch's selectors, asks the authorizer, then hands over to
// the verb's handler. Driven by RESOURCES, so a new type needs a table row and a rule, not
// new routes. The authorizer judges the very filter the handler then applies: one parse.

import type { Request, RequestHandler, Response } from "express";
import type { KubeObject, Node, Pod } from "../../shared/api-types.js";
import { EverynodeError, errors } from "../../shared/errors.js";
import type { Principal } from "../auth/principal.js";
import { principalOf } from "./auth-middleware.js";
import { forbidden, isAllowed, type RequestAttributes, type Verb } from "./authorization.js";
import { handleDelete, handleDeleteCollection, handleEviction } from "./delete-handlers.js";
import type { HandlerContext } from "./deps.js";
import { parseFilter, type ObjectFilter } from "./list-options.js";
import { handleLogs } from "./logs-route.js";
import { handleGet, handleList } from "./read-handlers.js";
import { parseResourcePath, type ResourceTarget } from "./request-target.js";
import { noteResourceRequest } from "./request-metrics.js";
import { restrictedEvents } from "./resource-rules/events.js";
import { restrictedToNode } from "./resource-rules/nodes.js";
import { boolParam, queryOf } from "./respond.js";
import { handleTokenRequest } from "./token-request.js";
import { handleWatch } from "./watch-stream.js";
import { handleCreate, handlePatch, handleReplace } from "./write-handlers.js";

function methodNotAllowed(message: string): EverynodeError {
  return new EverynodeError("MethodNotAllowed", message);
}

/** The Kubernetes verb of a request, or undefined when the method makes no sense on that URL. */
export function verbOf(method: string, target: ResourceTarget, q: URLSearchParams): Verb | undefined {
  const item = target.name !== undefined;
  const sub = target.subresource;
  switch (method) {
    case "GET":
    case "HEAD":
      if (sub === "eviction" || sub === "token") return undefined;
      if (boolParam(q, "watch")) return sub === undefined ? "watch" : undefined;
      return item ? "get" : "list";
    case "POST":
      // As the Kubernetes API server: a namespaced kind is created in a namespace's collection only.
      if (!item) return target.info.namespaced && target.namespace === undefined ? undefined : "create";
      return sub === "eviction" || sub === "token" ? "create" : undefined;
    case "PUT":
      return item && (sub === undefined || sub === "status") ? "update" : undefined;
    case "PATCH":
      return item && (sub === undefined || sub === "status") ? "patch" : undefined;
    case "DELETE":
      if (sub !== undefined) return undefined;
      return item ? "delete" : "deletecollection";
    default:
      return undefined;
  }
}

async function dispatch(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
  verb: Verb,
  current: KubeObject | undefined,
  filter: ObjectFilter | undefined,
): Promise<void> {
  if (target.subresource === "log") return handleLogs(ctx, req, res, target, q);
  if (target.subresource === "eviction") return handleEviction(ctx, req, res, target, current);
  if (target.subresource === "token") return handleTokenRequest(ctx, req, res, target, q, current);
  switch (verb) {
    case "get":
      return handleGet(ctx, req, res, target);
    case "list":
      return handleList(ctx, req, res, target, q, parsed(filter));
    case "watch":
      return handleWatch(ctx, req, res, target, q, parsed(filter));
    case "create":
      return handleCreate(ctx, req, res, target, q);
    case "update":
      return handleReplace(ctx, req, res, target, q, current);
    case "patch":
      return handlePatch(ctx, req, res, target, q, current);
    case "delete":
      return handleDelete(ctx, req, res, target, q, current);
    case "deletecollection":
      return handleDeleteCollection(ctx, req, res, target, q);
  }
}

/** The filter of a list or watch URL; the selector parsers throw 400 on bad syntax. */
function selectorsOf(target: ResourceTarget, q: URLSearchParams): ObjectFilter {
  const scope: { namespace?: string; name?: string } = {};
  if (target.namespace !== undefined) scope.namespace = target.namespace;
  if (target.name !== undefined) scope.name = target.name;
  return parseFilter(q, target.info.resource, scope);
}

/** The filter parsed before authorization; lists and watches always have one. */
function parsed(filter: ObjectFilter | undefined): ObjectFilter {
  if (!filter) throw errors.internal("a list or watch reached its handler without its parsed selectors");
  return filter;
}

/**
 * The context a request runs in: a node's own credential gets NodeRestriction on nodes, and
 * may record events only about itself and its pods.
 */
function contextFor(ctx: HandlerContext, principal: Principal): HandlerContext {
  if (principal.kind !== "node") return ctx;
  const nodeName = principal.nodeName;
  const nodes = restrictedToNode(ctx.rules.nodes, nodeName, () =>
    ctx.store.get<Node>("nodes", undefined, nodeName),
  );
  const events = restrictedEvents(ctx.rules.events, nodeName, (ns, name) =>
    ctx.store.get<Pod>("pods", ns, name),
  );
  return { ...ctx, rules: { ...ctx.rules, nodes, events } };
}

/** Express middleware for /api/v1/... and /apis/apps/v1/...; other paths go to next(). */
export function resourceRoutes(ctx: HandlerContext): RequestHandler {
  return async (req, res, next) => {
    const target = parseResourcePath(req.path);
    if (!target) {
      next();
      return;
    }
    const q = queryOf(req);
    const verb = verbOf(req.method, target, q);
    if (!verb) {
      req.resume();
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    noteResourceRequest(res, {
      verb,
      resource: target.info.resource,
      ...(target.subresource !== undefined ? { subresource: target.subresource } : {}),
      apply: verb === "patch" && (req.headers["content-type"] ?? "").startsWith("application/apply-patch"),
      longRunning: verb === "watch" || (target.subresource === "log" && boolParam(q, "follow")),
    });
    const current =
      target.name !== undefined
        ? ctx.store.get(target.info.resource, target.namespace, target.name)
        : undefined;
    const attributes: RequestAttributes = { verb, resource: target.info.resource, group: target.info.group };
    if (target.subresource !== undefined) attributes.subresource = target.subresource;
    if (target.namespace !== undefined) attributes.namespace = target.namespace;
    if (target.name !== undefined) attributes.name = target.name;
    if (current) attributes.object = current;
    // A selector that does not parse is a 400, but only for a caller who may make the
    // request at all: the authorizer sees no selector then, as Kubernetes' does.
    let filter: ObjectFilter | undefined;
    let badSelector: unknown;
    if (verb === "list" || verb === "watch") {
      try {
        filter = selectorsOf(target, q);
        attributes.fieldRequirements = filter.fields;
      } catch (e) {
        badSelector = e;
      }
    }
    const principal = principalOf(res);
    if (!isAllowed(principal, attributes, ctx.rbac)) {
      req.resume();
      throw forbidden(principal, attributes);
    }
    if (badSelector !== undefined) {
      req.resume();
      throw badSelector;
    }
    const refused = ctx.rules[target.info.resource].refused?.[verb];
    if (refused && target.subresource === undefined) {
      req.resume();
      throw methodNotAllowed(refused);
    }
    await dispatch(contextFor(ctx, principal), req, res, target, q, verb, current, filter);
  };
}
