// DELETE of one object or a collection, and pod eviction (kubectl drain). The deleter
// (control-plane/deletion) decides and does it inside one transaction: pods turn Terminating
// and go when their node reports them gone, objects with finalizers wait for them, a
// DaemonSet's propagationPolicy becomes the garbage collector's finalizers, a namespace
// deletes its contents. DeleteOptions' preconditions (uid, resourceVersion) are checked
// against the object as stored at that moment.

import type { Request, Response } from "express";
import type { KubeObject } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { errors } from "../../shared/errors.js";
import type { DeleteOutcome } from "../deletion/deleter.js";
import { parseDeleteOptions, type DeleteOptions } from "../deletion/delete-options.js";
import { apiVersionOf } from "../kube/index.js";
import type { WriteOptions } from "../store/store.js";
import { asObject, readBody } from "./body.js";
import type { HandlerContext } from "./deps.js";
import { matchesFilter, parseFilter } from "./list-options.js";
import { isDryRun } from "./object-checks.js";
import { withTypeMeta } from "./read-handlers.js";
import type { ResourceTarget } from "./request-target.js";
import { deletedStatus } from "./resource-rules/rule.js";
import { sendJson } from "./respond.js";

async function deleteBody(ctx: HandlerContext, req: Request): Promise<Record<string, unknown> | undefined> {
  const body = await readBody(req, ctx.maxBodyBytes);
  return body === undefined ? undefined : asObject(body, "DeleteOptions");
}

/** The store preconditions of DeleteOptions. */
export function preconditionsOf(options: DeleteOptions): WriteOptions {
  const out: WriteOptions = {};
  if (options.preconditions?.uid) out.expectedUid = options.preconditions.uid;
  if (options.preconditions?.resourceVersion)
    out.expectedResourceVersion = options.preconditions.resourceVersion;
  return out;
}

/** 200, or 202 when dependents were asked not to be orphaned and the object is still there. */
function statusCode(options: DeleteOptions, outcome: DeleteOutcome): number {
  return !outcome.removed && options.orphanDependents === false ? 202 : 200;
}

/** The body of a DELETE's answer: the object while it stays, else the type's answer. */
function responseFor(ctx: HandlerContext, target: ResourceTarget, outcome: DeleteOutcome): unknown {
  if (!outcome.removed) return withTypeMeta(outcome.object, target);
  const rule = ctx.rules[target.info.resource];
  const at = rfc3339(ctx.clock.now());
  if (rule.deleteResponse) return withTypeMeta(rule.deleteResponse(outcome.object, at) as KubeObject, target);
  return deletedStatus(outcome.object, target.info.resource, target.info.group);
}

/** What a dry run answers: the outcome the deletion would have, nothing written. */
function dryRunOutcome(
  ctx: HandlerContext,
  target: ResourceTarget,
  current: KubeObject,
  options: DeleteOptions,
): DeleteOutcome {
  const pre = preconditionsOf(options);
  if (
    (pre.expectedUid !== undefined && pre.expectedUid !== current.metadata.uid) ||
    (pre.expectedResourceVersion !== undefined &&
      pre.expectedResourceVersion !== current.metadata.resourceVersion)
  ) {
    throw errors.conflict(target.info.resource, target.name ?? "", target.info.group);
  }
  const plan = ctx.deleter.plan(target.info.resource, current, options);
  if (plan.action === "remove") return { removed: true, object: current };
  return { removed: false, object: plan.action === "update" ? plan.object : current };
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
  const body = await deleteBody(ctx, req);
  const options = parseDeleteOptions(q, body);
  if (!current) throw errors.notFound(target.info.resource, target.name ?? "", target.info.group);
  ctx.rules[target.info.resource].checkDelete?.(current);
  const outcome = isDryRun(q, body)
    ? dryRunOutcome(ctx, target, current, options)
    : ctx.store.transaction((tx) =>
        ctx.deleter.delete(tx, target.info.resource, current, options, preconditionsOf(options)),
      );
  sendJson(res, statusCode(options, outcome), responseFor(ctx, target, outcome));
}

/** DELETE of a collection: every selected object, in one transaction; answers the list deleted. */
export async function handleDeleteCollection(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
): Promise<void> {
  const body = await deleteBody(ctx, req);
  const options = parseDeleteOptions(q, body);
  const filter = parseFilter(q, target.info.resource, { namespace: target.namespace });
  const selected = ctx.store
    .list(target.info.resource, target.namespace)
    .filter((o) => matchesFilter(filter, o));
  const rule = ctx.rules[target.info.resource];
  const dryRun = isDryRun(q, body);
  const outcomes = ctx.store.transaction((tx) =>
    selected
      .filter((o) => tx.get(target.info.resource, o.metadata.namespace, o.metadata.name ?? ""))
      .map((o) => {
        rule.checkDelete?.(o);
        return dryRun
          ? dryRunOutcome(ctx, target, o, options)
          : ctx.deleter.delete(tx, target.info.resource, o, options, preconditionsOf(options));
      }),
  );
  sendJson(res, 200, {
    kind: target.info.listKind,
    apiVersion: apiVersionOf(target.info),
    metadata: { resourceVersion: String(ctx.store.revision()) },
    items: outcomes.map((o) => withTypeMeta(o.object, target)),
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
  const raw = eviction.deleteOptions ? asObject(eviction.deleteOptions, "deleteOptions") : undefined;
  const options = parseDeleteOptions(new URLSearchParams(), raw);
  if (!current) throw errors.notFound("pods", target.name ?? "");
  if (!isDryRun(new URLSearchParams(), raw)) {
    ctx.store.transaction((tx) => ctx.deleter.delete(tx, "pods", current, options, preconditionsOf(options)));
  }
  sendJson(res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}
