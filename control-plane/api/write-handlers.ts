// POST, PUT and PATCH: the object a client sends goes through the URL checks, unknown-field
// handling, the status/spec split, the type's rules, then one store write. Optimistic
// concurrency is the store's: PUT passes the body's resourceVersion; PATCH applies to the
// current object and conflicts only when the patch itself names another resourceVersion.
// Patches work within bounds (patch/bounds.ts); a write that changes nothing is not made.

import { randomInt } from "node:crypto";
import type { Request, Response } from "express";
import type { KubeObject } from "../../shared/api-types.js";
import { EverynodeError, errors, fieldError } from "../../shared/errors.js";
import { finalizerErrors } from "../deletion/finalizers.js";
import type { StoreWriter } from "../store/store.js";
import { asObject, decodeBody, readBody, readRawBody } from "./body.js";
import {
  canonical,
  applyJsonMergePatch,
  applyJsonPatch,
  applyServerSideApply,
  applyStrategicMergePatch,
  checkPatchedObject,
  generateName,
  patchBounds,
  patchTypeFromContentType,
  type PatchBounds,
} from "../kube/index.js";
import type { HandlerContext } from "./deps.js";
import {
  asKubeObject,
  checkName,
  checkNamespace,
  checkTypeMeta,
  clearServerFields,
  handleUnknownFields,
  isDryRun,
  mergeForUpdate,
} from "./object-checks.js";
import { withTypeMeta } from "./read-handlers.js";
import type { ResourceTarget } from "./request-target.js";
import { addWarning, sendJson } from "./respond.js";

/** A uniform number in [0, 1) from the system's CSPRNG, for names clients cannot guess. */
const cryptoRandom = (): number => randomInt(2 ** 47) / 2 ** 47;

function hasStatus(target: ResourceTarget): boolean {
  return target.info.subresources.includes("status");
}

/** metadata.finalizers are checked for every kind (control-plane/deletion/finalizers.ts). */
function checkFinalizers(target: ResourceTarget, object: KubeObject, old?: KubeObject): void {
  const problems = finalizerErrors(object.metadata, old?.metadata);
  if (problems.length > 0)
    throw errors.invalid(target.info.kind, target.info.group, object.metadata.name ?? "", problems);
}

/** The 403 Kubernetes' NamespaceLifecycle answers a create in a namespace being deleted. */
function namespaceTerminating(target: ResourceTarget, name: string): EverynodeError {
  const qualified = target.info.group ? `${target.info.resource}.${target.info.group}` : target.info.resource;
  return new EverynodeError(
    "Forbidden",
    `${qualified} "${name}" is forbidden: unable to create new content in namespace ${target.namespace ?? ""} because it is being terminated`,
    {
      details: {
        name,
        group: target.info.group,
        kind: target.info.resource,
        causes: [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${target.namespace ?? ""} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      },
    },
  );
}

/** The kind's warnings about what was accepted, as `Warning` headers (before the body is sent). */
function warnAbout(ctx: HandlerContext, target: ResourceTarget, stored: KubeObject, res: Response): void {
  if (target.subresource) return;
  for (const text of ctx.rules[target.info.resource].warnings?.(stored) ?? []) addWarning(res, text);
}

/** Stores a new object after the create checks; shared by POST and server-side apply. */
function createObject(
  ctx: HandlerContext,
  target: ResourceTarget,
  object: KubeObject,
  dryRun: boolean,
): KubeObject {
  if (!object.metadata.name && !object.metadata.generateName) {
    throw errors.invalid(target.info.kind, target.info.group, "", [
      fieldError.required("metadata.name", "name or generateName is required"),
    ]);
  }
  clearServerFields(object);
  // The name is made before validation, as Kubernetes does, so that it is validated too.
  if (!object.metadata.name)
    object.metadata.name = generateName(String(object.metadata.generateName), cryptoRandom);
  const prepared = ctx.rules[target.info.resource].prepareCreate(object);
  checkFinalizers(target, prepared);
  const write = (tx: StoreWriter): KubeObject => {
    if (target.info.namespaced) {
      const ns = tx.get("namespaces", undefined, target.namespace ?? "");
      if (!ns) throw errors.notFound("namespaces", target.namespace ?? "");
      if (ns.metadata.deletionTimestamp) throw namespaceTerminating(target, prepared.metadata.name ?? "");
    }
    if (!dryRun) return tx.create(target.info.resource, prepared);
    // A dry run answers what the create would: a taken name is a 409 here too.
    const name = prepared.metadata.name ?? "";
    if (tx.get(target.info.resource, target.namespace, name))
      throw errors.alreadyExists(target.info.resource, name, target.info.group);
    return prepared;
  };
  return ctx.store.transaction(write);
}

/** POST to a collection. */
export async function handleCreate(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
): Promise<void> {
  const body = await readBody(req, ctx.maxBodyBytes);
  const object = asKubeObject(body);
  checkTypeMeta(object, target);
  checkNamespace(object, target);
  handleUnknownFields(q, target, object, res);
  const stored = createObject(ctx, target, object, isDryRun(q));
  warnAbout(ctx, target, stored, res);
  sendJson(res, 201, withTypeMeta(stored, target));
}

/** True when storing `next` over `stored` would change nothing but the resourceVersion. */
export function changesNothing(next: KubeObject, stored: KubeObject): boolean {
  const withoutVersion = (o: KubeObject): unknown => {
    const { resourceVersion: _, ...metadata } = o.metadata;
    return { ...o, metadata };
  };
  return canonical(withoutVersion(next)) === canonical(withoutVersion(stored));
}

/**
 * Runs the type's update rules and writes; `expected` is the precondition, if any. An update
 * that changes nothing writes nothing: the stored object comes back with its resourceVersion
 * and watchers hear of nothing, as with Kubernetes. An update that leaves an object being
 * deleted with nothing holding it (its last finalizer cleared) removes it.
 */
function updateObject(
  ctx: HandlerContext,
  target: ResourceTarget,
  next: KubeObject,
  old: KubeObject,
  dryRun: boolean,
): KubeObject {
  const merged = mergeForUpdate(next, old, target.subresource, hasStatus(target));
  const expected = merged.metadata.resourceVersion;
  const prepared = ctx.rules[target.info.resource].prepareUpdate(merged, old, target.subresource);
  checkFinalizers(target, prepared, old);
  if (dryRun) {
    if (expected !== undefined && expected !== old.metadata.resourceVersion) {
      throw errors.conflict(target.info.resource, target.name ?? "", target.info.group);
    }
    return prepared;
  }
  return ctx.store.transaction((tx) => {
    const stored = tx.get(target.info.resource, target.namespace, target.name ?? "");
    const unchanged =
      stored !== undefined &&
      (expected === undefined || expected === stored.metadata.resourceVersion) &&
      changesNothing(prepared, stored);
    if (unchanged) return stored;
    const written = tx.update(
      target.info.resource,
      prepared,
      expected !== undefined ? { expectedResourceVersion: expected } : {},
    );
    ctx.deleter.afterUpdate(tx, target.info.resource, written);
    return written;
  });
}

/** PUT of an object or of its status. A missing object is a 404 (no create on update). */
export async function handleReplace(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
  old: KubeObject | undefined,
): Promise<void> {
  const body = await readBody(req, ctx.maxBodyBytes);
  const object = asKubeObject(body);
  checkTypeMeta(object, target);
  checkNamespace(object, target);
  checkName(object, target);
  handleUnknownFields(q, target, object, res);
  const latest = latestObject(ctx, target, old);
  if (!latest) throw errors.notFound(target.info.resource, target.name ?? "", target.info.group);
  const stored = updateObject(ctx, target, object, latest, isDryRun(q));
  warnAbout(ctx, target, stored, res);
  sendJson(res, 200, withTypeMeta(stored, target));
}

/**
 * The object as stored now: the request read it (to authorize) before its body arrived, and
 * a write made meanwhile must not be undone by a patch or a status merge computed from the
 * older copy. From here to the write nothing awaits, so no other write falls in between. A
 * different object under the same name (deleted and made again) is a conflict: the request
 * was judged against the old one.
 */
function latestObject(
  ctx: HandlerContext,
  target: ResourceTarget,
  seen: KubeObject | undefined,
): KubeObject | undefined {
  const now = ctx.store.get(target.info.resource, target.namespace, target.name ?? "");
  if (seen && now && now.metadata.uid !== seen.metadata.uid) {
    throw errors.conflict(target.info.resource, target.name ?? "", target.info.group);
  }
  if (!seen && now) throw errors.conflict(target.info.resource, target.name ?? "", target.info.group);
  return now;
}

function patched(
  type: string,
  current: KubeObject,
  patch: unknown,
  target: ResourceTarget,
  bounds: PatchBounds,
): unknown {
  const resource = target.info.resource;
  switch (type) {
    case "json":
      if (!Array.isArray(patch)) throw errors.badRequest("a JSON patch must be a list of operations");
      return applyJsonPatch(current, patch, bounds);
    case "merge":
      return applyJsonMergePatch(current, asObject(patch, "a merge patch")) as KubeObject;
    case "strategic":
      return applyStrategicMergePatch(
        current,
        asObject(patch, "a strategic merge patch"),
        resource,
      ) as KubeObject;
    default:
      return applyServerSideApply(current, asKubeObject(patch), resource);
  }
}

/** PATCH of an object or of its status, in the four patch types. */
export async function handlePatch(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
  current: KubeObject | undefined,
): Promise<void> {
  const contentType = req.headers["content-type"];
  const type = patchTypeFromContentType(contentType ?? "");
  if (!type) {
    req.resume();
    throw new EverynodeError(
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  }
  const patch = decodeBody(await readRawBody(req, ctx.maxBodyBytes), contentType, ctx.maxBodyBytes);
  if (patch === undefined) throw errors.badRequest("the patch is empty");
  const dryRun = isDryRun(q);
  current = latestObject(ctx, target, current);
  if (!current) {
    // Server-side apply creates what does not exist yet; other patches need an object.
    if (type !== "apply" || target.subresource) {
      throw errors.notFound(target.info.resource, target.name ?? "", target.info.group);
    }
    const created = applyServerSideApply(undefined, asKubeObject(patch), target.info.resource);
    checkTypeMeta(created, target);
    checkNamespace(created, target);
    checkName(created, target);
    handleUnknownFields(q, target, created, res, "patch");
    const stored = createObject(ctx, target, created, dryRun);
    warnAbout(ctx, target, stored, res);
    sendJson(res, 201, withTypeMeta(stored, target));
    return;
  }
  const bounds = patchBounds(ctx.maxBodyBytes);
  const output = patched(type, current, patch, target, bounds);
  // Merge patches cannot grow an object without bound, but may double it: every result is checked.
  checkPatchedObject(output, bounds);
  const result = asObject(output, "the patched object") as KubeObject;
  if (!result.metadata) throw errors.badRequest("the patch did not produce an object");
  asObject(result.metadata, "the patched object's metadata");
  checkTypeMeta(result, target);
  checkNamespace(result, target);
  checkName(result, target);
  handleUnknownFields(q, target, result, res, "patch");
  const stored = updateObject(ctx, target, result, current, dryRun);
  warnAbout(ctx, target, stored, res);
  sendJson(res, 200, withTypeMeta(stored, target));
}
