// GET of one object and of lists: JSON, or a Table when kubectl asks for one.

import type { Request, Response } from "express";
import type { KubeObject } from "../../shared/api-types.js";
import { errors } from "../../shared/errors.js";
import { apiVersionOf, buildTable, type BuildTableOptions } from "../kube/index.js";
import type { HandlerContext } from "./deps.js";
import { matchesFilter, paginate, parseLimit, type ObjectFilter } from "./list-options.js";
import { tableRequest, type TableRequest } from "./negotiation.js";
import type { ResourceTarget } from "./request-target.js";
import { queryOf, sendJson } from "./respond.js";

/** The object with kind and apiVersion, as clients expect on every item. */
export function withTypeMeta(object: KubeObject, target: ResourceTarget): KubeObject {
  if (object.kind && object.apiVersion) return object;
  return { ...object, kind: target.info.kind, apiVersion: apiVersionOf(target.info) };
}

/** The stored object of an item URL, or the 404 Kubernetes answers. */
export function requireObject(ctx: HandlerContext, target: ResourceTarget): KubeObject {
  const name = target.name ?? "";
  const object = ctx.store.get(target.info.resource, target.namespace, name);
  if (!object) throw errors.notFound(target.info.resource, name, target.info.group);
  return object;
}

/** A Table of the objects, as the client asked for it (version, includeObject). */
export function renderTable(
  ctx: HandlerContext,
  target: ResourceTarget,
  request: TableRequest,
  objects: KubeObject[],
  resourceVersion: string,
  continueToken?: string,
): unknown {
  const options: BuildTableOptions = {
    now: ctx.clock.now(),
    resourceVersion,
    version: request.version,
    includeObject: request.includeObject,
  };
  if (continueToken !== undefined) options.continueToken = continueToken;
  // Whole objects in rows carry kind and apiVersion, as on every list item.
  const rowObjects =
    request.includeObject === "Object" ? objects.map((o) => withTypeMeta(o, target)) : objects;
  return buildTable(target.info.resource, rowObjects, options);
}

/** GET of one object (also of its status subresource). */
export function handleGet(ctx: HandlerContext, req: Request, res: Response, target: ResourceTarget): void {
  const object = requireObject(ctx, target);
  const table = tableRequest(req.headers.accept, queryOf(req));
  if (table) {
    sendJson(res, 200, renderTable(ctx, target, table, [object], object.metadata.resourceVersion ?? ""));
    return;
  }
  sendJson(res, 200, withTypeMeta(object, target));
}

/** The objects a list or watch filter selects, in store order. */
export function selectObjects(ctx: HandlerContext, filter: ObjectFilter): KubeObject[] {
  return ctx.store.list(filter.resource, filter.namespace).filter((o) => matchesFilter(filter, o));
}

/** GET of a collection: the filter the authorizer judged, limit/continue, JSON list or Table. */
export function handleList(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
  filter: ObjectFilter,
): void {
  const table = tableRequest(req.headers.accept, q);
  const revision = ctx.store.revision();
  const page = paginate(selectObjects(ctx, filter), revision, parseLimit(q), q.get("continue") ?? undefined);
  if (table) {
    sendJson(
      res,
      200,
      renderTable(ctx, target, table, page.items, String(page.revision), page.continueToken),
    );
    return;
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(page.revision) };
  if (page.continueToken !== undefined) metadata.continue = page.continueToken;
  if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
  sendJson(res, 200, {
    kind: target.info.listKind,
    apiVersion: apiVersionOf(target.info),
    metadata,
    items: page.items.map((o) => withTypeMeta(o, target)),
  });
}
