// GET of one object and of lists: JSON, or a Table when kubectl asks for one.

import type { Request, Response } from "express";
import type { KubeObject } from "../../shared/api-types.js";
import { errors } from "../../shared/errors.js";
import { apiVersionOf, buildTable } from "../kube/index.js";
import type { HandlerContext } from "./deps.js";
import { matchesFilter, paginate, parseLimit, type ObjectFilter } from "./list-options.js";
import { tableVersion } from "./negotiation.js";
import type { ResourceTarget } from "./request-target.js";
import { sendJson } from "./respond.js";

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

/** A Table of the objects, in the version the client asked for. */
export function renderTable(
  ctx: HandlerContext,
  target: ResourceTarget,
  version: "v1" | "v1beta1",
  objects: KubeObject[],
  resourceVersion: string,
  continueToken?: string,
): unknown {
  const options: Parameters<typeof buildTable>[2] = { now: ctx.clock.now(), resourceVersion };
  if (continueToken !== undefined) options.continueToken = continueToken;
  const table = buildTable(target.info.resource, objects, options) as unknown as Record<string, unknown>;
  return version === "v1" ? table : { ...table, apiVersion: "meta.k8s.io/v1beta1" };
}

/** GET of one object (also of its status subresource). */
export function handleGet(ctx: HandlerContext, req: Request, res: Response, target: ResourceTarget): void {
  const object = requireObject(ctx, target);
  const table = tableVersion(req.headers.accept);
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
  const revision = ctx.store.revision();
  const page = paginate(selectObjects(ctx, filter), revision, parseLimit(q), q.get("continue") ?? undefined);
  const table = tableVersion(req.headers.accept);
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
