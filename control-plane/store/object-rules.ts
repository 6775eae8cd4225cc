// The rules of a write, apart from where objects are kept: which namespace and name an
// object gets, what create() fills in, and the optimistic-concurrency preconditions. Pure
// apart from the randomness and time passed in.

import type { KubeObject } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { errors, fieldError } from "../../shared/errors.js";
import { generateName, RESOURCES, type ResourceName } from "../kube/index.js";

/** Attempts at a free generated name before giving up with AlreadyExists. */
export const GENERATE_NAME_ATTEMPTS = 8;

/**
 * Makes the object's namespace fit its resource, in place, and returns its key namespace: required for
 * namespaced resources, dropped for cluster-scoped ones.
 */
export function settleNamespace(resource: ResourceName, object: KubeObject): string {
  const info = RESOURCES[resource];
  if (!info.namespaced) {
    delete object.metadata.namespace;
    return "";
  }
  const namespace = object.metadata.namespace;
  if (typeof namespace !== "string" || namespace === "") {
    throw errors.invalid(info.kind, info.group, object.metadata.name ?? "", [
      fieldError.required("metadata.namespace"),
    ]);
  }
  return namespace;
}

/** The namespace an object of this resource is keyed under, from a caller's argument. */
export function keyNamespace(resource: ResourceName, namespace: string | undefined): string {
  return RESOURCES[resource].namespaced ? (namespace ?? "") : "";
}

/**
 * Settles the name of a new object, in place: its own, or `generateName` plus a random
 * suffix that `isTaken` does not know yet.
 */
export function settleName(
  resource: ResourceName,
  object: KubeObject,
  random: () => number,
  isTaken: (name: string) => boolean,
): string {
  const info = RESOURCES[resource];
  const meta = object.metadata;
  if (typeof meta.name === "string" && meta.name !== "") return meta.name;
  if (typeof meta.generateName !== "string" || meta.generateName === "") {
    throw errors.invalid(info.kind, info.group, "", [
      fieldError.required("metadata.name", "name or generateName is required"),
    ]);
  }
  let candidate = "";
  for (let attempt = 0; attempt < GENERATE_NAME_ATTEMPTS; attempt++) {
    candidate = generateName(meta.generateName, random);
    if (!isTaken(candidate)) {
      meta.name = candidate;
      return candidate;
    }
  }
  throw errors.alreadyExists(resource, candidate, info.group);
}

/** Fills what create() owns, in place: uid and creationTimestamp when absent. */
export function fillCreateFields(object: KubeObject, now: number, newUid: () => string): void {
  const meta = object.metadata;
  if (typeof meta.uid !== "string" || meta.uid === "") meta.uid = newUid();
  if (typeof meta.creationTimestamp !== "string" || meta.creationTimestamp === "") {
    meta.creationTimestamp = rfc3339(now);
  }
}

/** The name an update or delete addresses; a missing one is a 422. */
export function requireName(resource: ResourceName, object: KubeObject): string {
  const name = object.metadata.name;
  if (typeof name === "string" && name !== "") return name;
  const info = RESOURCES[resource];
  throw errors.invalid(info.kind, info.group, "", [fieldError.required("metadata.name")]);
}

/** Throws Conflict unless the stored object meets the caller's preconditions. */
export function checkPreconditions(
  resource: ResourceName,
  stored: KubeObject,
  expectedResourceVersion: string | undefined,
  expectedUid: string | undefined,
): void {
  const versionMismatch =
    expectedResourceVersion !== undefined &&
    expectedResourceVersion !== "" &&
    expectedResourceVersion !== stored.metadata.resourceVersion;
  const uidMismatch = expectedUid !== undefined && expectedUid !== "" && expectedUid !== stored.metadata.uid;
  if (versionMismatch || uidMismatch) {
    throw errors.conflict(resource, stored.metadata.name ?? "", RESOURCES[resource].group);
  }
}

/** What update() keeps from the stored object regardless of what the caller sent. */
export function keepStoredFields(object: KubeObject, stored: KubeObject): void {
  object.metadata.uid = stored.metadata.uid;
  object.metadata.creationTimestamp = stored.metadata.creationTimestamp;
}
