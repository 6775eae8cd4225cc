// The three writes of a transaction, apart from how transactions are run: each copies
// its input (sharing what is already frozen), applies the object rules, writes the row (JSON encoded once), freezes the
// result and stages it with its event. Nothing reaches memory or listeners before COMMIT.

import { randomUUID } from "node:crypto";
import type { KubeObject } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { errors } from "../../shared/errors.js";
import { RESOURCES, type ResourceName } from "../kube/index.js";
import { copyShell, deepFreeze } from "./deep-freeze.js";
import { objectKey, type ObjectCache } from "./object-cache.js";
import * as rules from "./object-rules.js";
import { sqlWork, type SqlStatement } from "./sql-types.js";
import type { RowCodec } from "./secret-encryption.js";
import type { StagedWrites } from "./staged-writes.js";
import { rememberJson, rememberSize } from "./stored-json.js";
import type { ChangeEvent, WriteOptions } from "./store.js";

/** What the writes need: the committed objects, the two row statements, time and chance. */
export interface ObjectWritesDeps {
  cache: ObjectCache;
  /** (resource, namespace, name, uid, revision, data): insert or replace a row. */
  putObject: SqlStatement;
  /** (resource, namespace, name): remove a row. */
  deleteObject: SqlStatement;
  clock: Clock;
  random: () => number;
  /** How a row's JSON is written (Secrets encrypted). */
  codec: RowCodec;
}

/**
 * The caller's object, copied so that it can be stamped and frozen: its top level and
 * metadata always (the writes set fields there), below them only what is not yet frozen,
 * so an object made from a stored one (a status on a stored pod) costs a few shells.
 */
function ownCopy(input: KubeObject): KubeObject {
  const object = copyShell(input);
  const meta = object.metadata as unknown;
  object.metadata = meta !== null && typeof meta === "object" ? copyShell(object.metadata) : {};
  return object;
}

/** create / update / delete within an open transaction (a StagedWrites). */
export class ObjectWrites {
  constructor(private readonly deps: ObjectWritesDeps) {}

  create<T extends KubeObject>(staged: StagedWrites, resource: ResourceName, input: T): T {
    const object = ownCopy(input);
    const ns = rules.settleNamespace(resource, object);
    const name = rules.settleName(resource, object, this.deps.random, (candidate) =>
      Boolean(staged.lookup(resource, objectKey(ns, candidate), this.deps.cache)),
    );
    if (staged.lookup(resource, objectKey(ns, name), this.deps.cache)) {
      throw errors.alreadyExists(resource, name, RESOURCES[resource].group);
    }
    rules.fillCreateFields(object, this.deps.clock.now(), randomUUID);
    return this.write(staged, resource, "ADDED", object, undefined) as T;
  }

  update<T extends KubeObject>(
    staged: StagedWrites,
    resource: ResourceName,
    input: T,
    options?: WriteOptions,
  ): T {
    const object = ownCopy(input);
    const name = rules.requireName(resource, object);
    const ns = rules.settleNamespace(resource, object);
    const stored = staged.lookup(resource, objectKey(ns, name), this.deps.cache);
    if (!stored) throw errors.notFound(resource, name, RESOURCES[resource].group);
    const expected = options?.expectedResourceVersion ?? object.metadata.resourceVersion;
    rules.checkPreconditions(resource, stored, expected, options?.expectedUid);
    rules.keepStoredFields(object, stored);
    return this.write(staged, resource, "MODIFIED", object, stored) as T;
  }

  delete(
    staged: StagedWrites,
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    options?: WriteOptions,
  ): KubeObject {
    const ns = rules.keyNamespace(resource, namespace);
    const key = objectKey(ns, name);
    const stored = staged.lookup(resource, key, this.deps.cache);
    if (!stored) throw errors.notFound(resource, name, RESOURCES[resource].group);
    rules.checkPreconditions(resource, stored, options?.expectedResourceVersion, options?.expectedUid);
    const revision = staged.nextRevision;
    sqlWork("delete an object", () => this.deps.deleteObject.run(resource, ns, name));
    // Only the two outer shells are new; everything below is the stored, frozen object.
    const object = deepFreeze({
      ...stored,
      metadata: { ...stored.metadata, resourceVersion: String(revision) },
    });
    staged.record(resource, key, null, { type: "DELETED", resource, object, previous: stored, revision });
    return object;
  }

  /** Stamps the next revision, writes the row, freezes and stages the object. */
  private write(
    staged: StagedWrites,
    resource: ResourceName,
    type: "ADDED" | "MODIFIED",
    object: KubeObject,
    previous: KubeObject | undefined,
  ): KubeObject {
    const revision = staged.nextRevision;
    const meta = object.metadata;
    meta.resourceVersion = String(revision);
    const ns = meta.namespace ?? "";
    const name = meta.name ?? "";
    const data = this.deps.codec.encode(resource, JSON.stringify(object));
    sqlWork("write an object", () => this.deps.putObject.run(resource, ns, name, meta.uid, revision, data));
    // Pods go to agents as they are stored: their text is kept for that (other kinds' is not).
    if (resource === "pods") rememberJson(object, data);
    else rememberSize(object, data.length);
    deepFreeze(object);
    const event: ChangeEvent = previous
      ? { type, resource, object, previous, revision }
      : { type, resource, object, revision };
    staged.record(resource, objectKey(ns, name), object, event);
    return object;
  }
}
