// The store's contract: the only gateway to everynode's state. The SQLite implementation
// (sqlite-store.ts) is the only code that touches better-sqlite3.
//
// Model: every object is a Kubernetes-shaped JSON document keyed by (resource, namespace,
// name). One global revision counts every write; an object's `metadata.resourceVersion` is
// the revision of its last write, and a list's resourceVersion is the current revision.
// All objects live in memory as well (reads never touch SQLite); writes go to SQLite in one
// synchronous transaction and only then change memory and notify listeners, so a crash at
// any moment leaves either the whole transaction or none of it.

import type { KubeObject, Pod } from "../../shared/api-types.js";
import type { ResourceName } from "../kube/index.js";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface ChangeEvent {
  type: ChangeType;
  resource: ResourceName;
  /** The object after the change (for DELETED: as it was, with the deleting revision). */
  object: KubeObject;
  /** The object before the change (absent for ADDED). */
  previous?: KubeObject;
  revision: number;
}

export interface WriteOptions {
  /**
   * Optimistic concurrency: when set, the write fails with a 409 Conflict unless the
   * stored object's resourceVersion equals it. update() also honours
   * `object.metadata.resourceVersion` when this is not given.
   */
  expectedResourceVersion?: string;
  /** For deletes: fail with 409 unless the stored object has this uid. */
  expectedUid?: string;
}

/** What a transaction may do; the same operations as the Store's, applied together. */
export interface StoreWriter {
  /**
   * Adds a new object. Fills `metadata.uid` and `metadata.creationTimestamp` when absent,
   * a name from `metadata.generateName` when `name` is absent, and always
   * `metadata.resourceVersion`. Throws AlreadyExists (409) when the name is taken.
   */
  create<T extends KubeObject>(resource: ResourceName, object: T): T;
  /** Replaces a stored object. Throws NotFound (404) or Conflict (409). */
  update<T extends KubeObject>(resource: ResourceName, object: T, options?: WriteOptions): T;
  /** Removes an object and returns it as it was. Throws NotFound (404) or Conflict (409). */
  delete(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    options?: WriteOptions,
  ): KubeObject;
  get<T extends KubeObject = KubeObject>(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
  ): T | undefined;
}

export interface WatchHandle {
  cancel(): void;
}

export interface Credential {
  /** Public part of the token (`<id>.<secret>`); also the row's key. */
  id: string;
  /**
   * admin, join, node and metrics: bearer tokens. node-secret: a node's secret ("node
   * password"), which proves a re-registering agent is that node; never a bearer token.
   */
  kind: "admin" | "join" | "node" | "node-secret" | "metrics";
  /** sha256 hex of the secret part; the secret itself is never stored. */
  secretHash: string;
  /** For node credentials and node secrets: the node it belongs to. */
  nodeName?: string;
  description?: string;
  /** Milliseconds since the epoch; absent means it never expires. */
  expiresAt?: number;
  createdAt: number;
}

export interface Store extends StoreWriter {
  /** The revision of the last committed write. */
  revision(): number;

  /**
   * Objects of a type, optionally of one namespace, ordered by namespace then name.
   * Returned objects are deeply frozen: never mutate them; clone (structuredClone) first.
   */
  list<T extends KubeObject = KubeObject>(resource: ResourceName, namespace?: string): T[];
  /** Every object of a resource in no particular order: for scans that need none (no sort). */
  scan<T extends KubeObject = KubeObject>(resource: ResourceName): T[];
  /** How many objects of a resource there are (no copy, no sort). */
  count(resource: ResourceName): number;

  /** The pods bound to a node (`spec.nodeName`), from an index: no scan. */
  listPodsOnNode(nodeName: string): Pod[];

  /** The pods whose controller ownerReference has this uid, from an index: no scan. */
  listPodsOwnedBy(ownerUid: string): Pod[];

  /** Runs `fn` as one SQLite transaction; listeners hear of its changes once, after commit. */
  transaction<R>(fn: (tx: StoreWriter) => R): R;

  /**
   * Subscribes to changes of one type. With `fromRevision`, first replays every change
   * after it (from a bounded in-memory history), then live ones; throws Expired (410) when
   * that revision is older than the history kept. Listeners are called synchronously after
   * each commit, in revision order, and must not write to the store synchronously.
   */
  watch(
    resource: ResourceName,
    fromRevision: number | undefined,
    listener: (event: ChangeEvent) => void,
  ): WatchHandle;

  /** Drops the watch history's events past its age bound (a quiet store appends nothing that would); returns how many. */
  expireHistory(): number;

  /** Hears every committed batch of changes (the reconcile loop's wake-up hint). */
  onChange(listener: (events: ChangeEvent[]) => void): () => void;

  // Credentials: tokens for admins, joining agents and nodes.
  putCredential(credential: Credential): void;
  getCredential(id: string): Credential | undefined;
  listCredentials(kind?: Credential["kind"]): Credential[];
  deleteCredential(id: string): boolean;
  /** Removes a node's bearer credentials (kind "node"; its node secret stays). */
  deleteNodeCredentials(nodeName: string): number;

  /** The database's size in bytes (its pages, those still in the write-ahead log included). */
  databaseBytes(): number;

  /** Small settings that must survive restarts (e.g. the cluster's uid). */
  getSetting(key: string): string | undefined;
  putSetting(key: string, value: string): void;

  close(): void;
}
