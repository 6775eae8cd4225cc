// Checks on a client's object before any type's rules: its kind and apiVersion against the
// URL, its namespace and name against the URL, unknown fields per `fieldValidation`, and
// dry runs. Each either throws the 400 Kubernetes answers or fixes what may be defaulted.

import type { Response } from "express";
import type { KubeObject } from "../../shared/api-types.js";
import { EverynodeError, errors, fieldError } from "../../shared/errors.js";
import {
  apiVersionOf,
  dropUnknownFields,
  MAX_DEPTH,
  REGISTRY,
  unknownFieldsOf,
  clone,
} from "../kube/index.js";
import type { ResourceTarget } from "./request-target.js";
import { addWarning } from "./respond.js";
import { asObject } from "./body.js";

/** The body as an object with a metadata object. */
export function asKubeObject(body: unknown): KubeObject {
  const o = asObject(body);
  if (o.metadata === undefined || o.metadata === null) o.metadata = {};
  asObject(o.metadata, "metadata");
  return o as KubeObject;
}

/** kind and apiVersion must be the URL's; absent ones are filled in. */
export function checkTypeMeta(object: KubeObject, target: ResourceTarget): void {
  const apiVersion = apiVersionOf(target.info);
  const kind = target.info.kind;
  if (object.kind === undefined || object.kind === "") object.kind = kind;
  if (object.apiVersion === undefined || object.apiVersion === "") object.apiVersion = apiVersion;
  if (object.kind !== kind || object.apiVersion !== apiVersion) {
    throw errors.badRequest(
      `the API version in the data (${String(object.apiVersion)}) and kind (${String(object.kind)}) do not match the URL (${apiVersion}, ${kind})`,
    );
  }
}

/** The object's namespace must be the URL's (filled in when absent); cluster-scoped ones have none. */
export function checkNamespace(object: KubeObject, target: ResourceTarget): void {
  if (!target.info.namespaced) {
    delete object.metadata.namespace;
    return;
  }
  const ns = object.metadata.namespace;
  if (ns === undefined || ns === "") {
    object.metadata.namespace = target.namespace;
    return;
  }
  if (ns !== target.namespace) {
    throw errors.badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
}

/** For item URLs: the body's name must be the URL's (filled in when absent). */
export function checkName(object: KubeObject, target: ResourceTarget): void {
  const name = object.metadata.name;
  if (name === undefined || name === "") {
    object.metadata.name = target.name;
    return;
  }
  if (name !== target.name) {
    throw errors.badRequest(
      `the name of the object (${name}) does not match the name on the URL (${String(target.name)})`,
    );
  }
}

/** `fieldValidation`: what happens to fields the type does not know. */
export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** The request's fieldValidation (Warn when absent), or a 400. */
export function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const mode = q.get("fieldValidation") ?? "Warn";
  if (mode !== "Strict" && mode !== "Warn" && mode !== "Ignore") {
    throw errors.badRequest(
      `fieldValidation must be one of "Ignore", "Warn" or "Strict", not ${JSON.stringify(mode)}`,
    );
  }
  return mode;
}

/**
 * How many unknown fields an answer names (in Warning headers, or in a Strict error): a body
 * of 3 MiB can hold 500,000 tiny unknown fields, and naming them all would send back more
 * than it took. The rest are counted.
 */
export const MAX_NAMED_UNKNOWN_FIELDS = 100;

function strictDecodingError(unknown: string[]): string {
  const named = unknown.slice(0, MAX_NAMED_UNKNOWN_FIELDS).map((f) => `unknown field "${f}"`);
  const more = unknown.length - named.length;
  return `strict decoding error: ${named.join(", ")}${more > 0 ? `, and ${more} more unknown fields` : ""}`;
}

/**
 * A body nested deeper than the schema walk goes (only self-containing schemas allow it):
 * its fields there were neither checked nor dropped, so it is refused in every mode.
 */
function tooDeep(target: ResourceTarget, at: string, from: "body" | "patch"): EverynodeError {
  const detail = `nests deeper than ${MAX_DEPTH} levels where its schema describes it`;
  if (from === "body") return errors.badRequest(`the object ${detail} (at ${at})`);
  const { kind, group } = target.info;
  return errors.invalid(kind, group, target.name ?? "", [fieldError.forbidden(at, `the object ${detail}`)]);
}

/**
 * Applies `fieldValidation` to what a client sent, as Kubernetes does: unknown fields are
 * never stored. Strict refuses them (a 400 for a body Kubernetes would not decode; a 422 for
 * the object a patch makes, naming each field in the causes); Warn (the default) drops them
 * with a Warning header each; Ignore drops them. Changes `object` in place. The fields are
 * the kind's schema's (control-plane/kube: upstream's definitions and everynode's overlays).
 */
export function handleUnknownFields(
  q: URLSearchParams,
  target: ResourceTarget,
  object: unknown,
  res: Response,
  from: "body" | "patch" = "body",
): void {
  const mode = fieldValidationOf(q);
  const resource = target.info.resource;
  const found =
    mode === "Strict"
      ? unknownFieldsOf(REGISTRY, resource, object)
      : dropUnknownFields(REGISTRY, resource, object);
  if (found.tooDeep) throw tooDeep(target, found.tooDeepAt ?? "", from);
  const unknown = found.paths;
  if (mode === "Strict") {
    if (unknown.length === 0) return;
    if (from === "body") throw errors.badRequest(strictDecodingError(unknown));
    const { kind, group } = target.info;
    throw new EverynodeError(
      "Invalid",
      `${group ? `${kind}.${group}` : kind} "${target.name ?? ""}" is invalid: patch: ${strictDecodingError(unknown)}`,
      {
        details: {
          name: target.name ?? "",
          group,
          kind,
          causes: unknown.slice(0, MAX_NAMED_UNKNOWN_FIELDS).map((f) => {
            const e = fieldError.unknown(f);
            return { reason: e.type, message: e.message, field: e.field };
          }),
        },
      },
    );
  }
  if (mode !== "Warn") return;
  for (const f of unknown.slice(0, MAX_NAMED_UNKNOWN_FIELDS)) addWarning(res, `unknown field "${f}"`);
  const more = unknown.length - MAX_NAMED_UNKNOWN_FIELDS;
  if (more > 0) addWarning(res, `${more} more unknown fields`);
}

/** True when the request is a dry run (`dryRun=All` in the query or in DeleteOptions). */
export function isDryRun(q: URLSearchParams, options?: Record<string, unknown>): boolean {
  const values = q.getAll("dryRun");
  const fromBody = options?.dryRun;
  if (Array.isArray(fromBody)) values.push(...fromBody.map(String));
  for (const v of values) {
    if (v !== "All")
      throw errors.badRequest(`unsupported dryRun value ${JSON.stringify(v)}: only "All" is supported`);
  }
  return values.length > 0;
}

/** Removes what only the server sets, before a create. */
export function clearServerFields(object: KubeObject): void {
  for (const f of [
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
  ]) {
    delete object.metadata[f];
  }
}

/**
 * The object an update would store, before the type's rules: the main resource keeps the old
 * status; the status subresource keeps everything of the old object but its status. Identity
 * fields always come from the stored object; resourceVersion is the client's (the precondition).
 */
export function mergeForUpdate(
  next: KubeObject,
  old: KubeObject,
  subresource: string | undefined,
  hasStatus: boolean,
): KubeObject {
  let merged: KubeObject;
  if (subresource === "status") {
    merged = clone(old);
    if (next.status === undefined) delete merged.status;
    else merged.status = clone(next.status);
  } else {
    // A patch result may share parts with the stored (frozen) object: work on a copy.
    merged = clone(next);
    if (hasStatus) {
      if (old.status === undefined) delete merged.status;
      else merged.status = clone(old.status);
    }
  }
  for (const f of [
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "name",
    "namespace",
  ]) {
    if (old.metadata[f] === undefined) delete merged.metadata[f];
    else merged.metadata[f] = old.metadata[f];
  }
  const rv = next.metadata.resourceVersion;
  if (rv === undefined || rv === "") delete merged.metadata.resourceVersion;
  else merged.metadata.resourceVersion = String(rv);
  return merged;
}
