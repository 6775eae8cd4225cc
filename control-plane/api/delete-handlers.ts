// DELETE of one object or a collection, and pod eviction (kubectl drain). Objects go at once,
// with their dependents (a node's pods, a namespace's contents) in the same transaction.
// DeleteOptions' preconditions (uid, resourceVersion) are the store's write preconditions.

import type { Request, Response } from "express";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { errors } from "../../shared/errors.js";
import { apiVersionOf } from "../kube/index.js";
import { recordKilling } from "../events/killing-events.js";
import type { StoreWriter, WriteOptions } from "../store/store.js";
import { asObject, readBody } from "./body.js";
import type { HandlerContext } from "./deps.js";
import { matchesFilter, parseFilter } from "./list-options.js";
import { isDryRun } from "./object-checks.js";
import { withTypeMeta } from "./read-handlers.js";
import type { ResourceTarget } from "./request-target.js";
import { deletedStatus } from "./resource-rules/rule.js";
import { sendJson } from "./respond.js";

async function deleteOptions(ctx: HandlerContext, req: Request): Promise<Record<string, unknown>> {
  const body = await readBody(req, ctx.maxBodyBytes);
  return body === undefined ? {} : asObject(body, "DeleteOptions");
}

/** The store preconditions of DeleteOptions. */
export function preconditionsOf(options: Record<string, unknown>): WriteOptions {
  const pre = options.preconditions;
  if (pre === undefined || pre === null) return {};
  const p = asObject(pre, "preconditions");
  const out: WriteOptions = {};
  if (typeof p.uid === "string" && p.uid !== "") out.expectedUid = p.uid;
  if (typeof p.resourceVersion === "string" && p.resourceVersion !== "")
    out.expectedResourceVersion = p.resourceVersion;
  return out;
}

function removeOne(
  ctx: HandlerContext,
  tx: StoreWriter,
  target: ResourceTarget,
  object: KubeObject,
  options: WriteOptions,
): KubeObject {
  const rule = ctx.rules[target.info.resource];
  rule.checkDelete?.(object);
  const deleted = tx.delete(
    target.info.resource,
    object.metadata.namespace,
    object.metadata.name ?? "",
    options,
  );
  rule.cascadeDelete?.(tx, deleted);
  if (target.info.resource === "pods") recordKilling(ctx.events, deleted as Pod, tx);
  return deleted;
}

function responseFor(ctx: HandlerContext, target: ResourceTarget, deleted: KubeObject): unknown {
  const rule = ctx.rules[target.info.resource];
  const at = rfc3339(ctx.clock.now());
  if (rule.deleteResponse) return withTypeMeta(rule.deleteResponse(deleted, at) as KubeObject, target);
  return deletedStatus(deleted, target.info.resource, target.info.group);
}

/** DELETE of one object. */
export async function handleDelete(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
  current: KubeObject | undefined,
): Promise<void> {
  const options = await deleteOptions(ctx, req);
  if (!current) throw errors.notFound(target.info.resource, target.name ?? "", target.info.group);
  const pre = preconditionsOf(options);
  if (isDryRun(q, options)) {
    ctx.rules[target.info.resource].checkDelete?.(current);
    if (pre.expectedUid !== undefined && pre.expectedUid !== current.metadata.uid) {
      throw errors.conflict(target.info.resource, target.name ?? "", target.info.group);
    }
    sendJson(res, 200, responseFor(ctx, target, current));
    return;
  }
  const deleted = ctx.store.transaction((tx) => removeOne(ctx, tx, target, current, pre));
  sendJson(res, 200, responseFor(ctx, target, deleted));
}

/** DELETE of a collection: every selected object, in one transaction; answers the list removed. */
export async function handleDeleteCollection(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
): Promise<void> {
  const options = await deleteOptions(ctx, req);
  const filter = parseFilter(q, target.info.resource, { namespace: target.namespace });
  const selected = ctx.store
    .list(target.info.resource, target.namespace)
    .filter((o) => matchesFilter(filter, o));
  const dryRun = isDryRun(q, options);
  const deleted = ctx.store.transaction((tx) =>
    selected
      .filter((o) => tx.get(target.info.resource, o.metadata.namespace, o.metadata.name ?? ""))
      .map((o) => {
        if (dryRun) {
          ctx.rules[target.info.resource].checkDelete?.(o);
          return o;
        }
        return removeOne(ctx, tx, target, o, {});
      }),
  );
  sendJson(res, 200, {
    kind: target.info.listKind,
    apiVersion: apiVersionOf(target.info),
    metadata: { resourceVersion: String(ctx.store.revision()) },
    items: deleted.map((o) => withTypeMeta(o, target)),
  });
}

/** POST pods/{name}/eviction: everynode has no disruption budgets, so an eviction is a delete. */
export async function handleEviction(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  current: KubeObject | undefined,
): Promise<void> {
  const body = await readBody(req, ctx.maxBodyBytes);
  const eviction = body === undefined ? {} : asObject(body, "Eviction");
  const options = eviction.deleteOptions ? asObject(eviction.deleteOptions, "deleteOptions") : {};
  if (!current) throw errors.notFound("pods", target.name ?? "");
  const podTarget: ResourceTarget = { ...target };
  delete podTarget.subresource;
  if (!isDryRun(new URLSearchParams(), options)) {
    ctx.store.transaction((tx) => removeOne(ctx, tx, podTarget, current, preconditionsOf(options)));
  }
  sendJson(res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}
