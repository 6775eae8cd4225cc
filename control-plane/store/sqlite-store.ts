// The Store on SQLite (better-sqlite3, synchronous). Objects live in memory (ObjectCache)
// and in the `objects` table; a transaction's writes go to SQLite at once and are staged
// in memory, so that `tx.get` sees them, and reach the cache, the history and the
// listeners only after COMMIT. A transaction that throws leaves no trace anywhere.

import Database from "better-sqlite3";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { EverynodeError, errors } from "../../shared/errors.js";
import { RESOURCES, type ResourceName } from "../kube/index.js";
import { ChangeHistory } from "./change-history.js";
import { Checkpointer } from "./checkpointer.js";
import { CredentialTable } from "./credentials.js";
import { deepFreeze } from "./deep-freeze.js";
import { configureConnection, migrate, WAL_SIZE_LIMIT_BYTES } from "./migrations.js";
import { ObjectCache, objectKey } from "./object-cache.js";
import { ObjectWrites } from "./object-writes.js";
import { PLAIN_ROWS, type RowCodec } from "./secret-encryption.js";
import * as rules from "./object-rules.js";
import { sqlWork, type SqlDatabase, type SqlStatement } from "./sql-types.js";
import { StagedWrites } from "./staged-writes.js";
import type { ChangeEvent, Credential, Store, StoreWriter, WatchHandle, WriteOptions } from "./store.js";
import { WatchHub } from "./watch-hub.js";

/** What the SQLite store needs; see openStore() in index.ts for the defaults. */
export interface SqliteStoreOptions {
  path: string;
  clock: Clock;
  historySize: number;
  random: () => number;
  /** Hears how long each transaction that wrote took, in seconds (the /metrics histogram). */
  onWrite?: (seconds: number) => void;
  /** How rows are written and read (Secrets encrypted); plain without one. */
  codec?: RowCodec;
  /** Checkpoint the WAL from a worker thread, not inside commits (checkpointer.ts); a file only. */
  backgroundCheckpoints?: {
    onFailure: (reason: string) => void;
    /** How long the WAL must not have grown before the worker cuts it back; default 30 s. */
    walQuietMs?: number;
  };
}

const REVISION_KEY = "revision";
/** Settings share the meta table with the revision; a prefix keeps them apart. */
const SETTING_PREFIX = "setting:";

interface ObjectRow {
  resource: string;
  namespace: string;
  name: string;
  data: string;
}

/** The SQLite-backed Store. Create it with openStore(). */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly cache = new ObjectCache();
  private readonly history: ChangeHistory;
  private readonly hub: WatchHub;
  private readonly credentials: CredentialTable;
  private readonly writes: ObjectWrites;
  private readonly codec: RowCodec;
  private readonly getMeta: SqlStatement;
  private readonly putMeta: SqlStatement;
  private readonly runInTransaction: Database.Transaction<(work: () => unknown) => unknown>;
  private lastRevision: number;
  private staged: StagedWrites | undefined;
  private closed = false;
  private checkpointer: Checkpointer | undefined;

  constructor(private readonly options: SqliteStoreOptions) {
    this.db = sqlWork(`open ${options.path}`, () => {
      const db = new Database(options.path);
      try {
        configureConnection(db as unknown as SqlDatabase);
        migrate(db as unknown as SqlDatabase);
      } catch (e) {
        db.close();
        throw e;
      }
      return db;
    });
    const db = this.db as unknown as SqlDatabase;
    this.codec = options.codec ?? PLAIN_ROWS;
    const putObject = db.prepare(
      `INSERT INTO objects (resource, namespace, name, uid, revision, data) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (resource, namespace, name)
       DO UPDATE SET uid = excluded.uid, revision = excluded.revision, data = excluded.data`,
    );
    const deleteObject = db.prepare("DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?");
    this.getMeta = db.prepare("SELECT value FROM meta WHERE key = ?");
    this.putMeta = db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    this.writes = new ObjectWrites({
      cache: this.cache,
      putObject,
      deleteObject,
      clock: options.clock,
      random: options.random,
      codec: this.codec,
    });
    this.credentials = new CredentialTable(db);
    this.runInTransaction = this.db.transaction((work: () => unknown) => work());
    this.lastRevision = this.load();
    this.history = new ChangeHistory(options.historySize, this.lastRevision, {
      now: () => options.clock.now(),
    });
    this.hub = new WatchHub(this.history);
    const background = options.backgroundCheckpoints;
    if (background && options.path !== ":memory:") {
      // The worker checkpoints and cuts the WAL back (checkpointer.ts), both outside commits.
      this.db.pragma("wal_autocheckpoint = 0");
      this.db.pragma("journal_size_limit = -1");
      this.checkpointer = new Checkpointer({
        path: options.path,
        walLimitBytes: WAL_SIZE_LIMIT_BYTES,
        ...(background.walQuietMs !== undefined ? { quietMs: background.walQuietMs } : {}),
        onFailure: (reason) => {
          if (!this.closed) {
            this.db.pragma("wal_autocheckpoint = 1000");
            this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
          }
          background.onFailure(reason);
        },
      });
    }
  }

  expireHistory(): number {
    this.assertOpen();
    return this.history.expire();
  }

  revision(): number {
    this.assertOpen();
    return this.lastRevision;
  }

  get<T extends KubeObject = KubeObject>(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    this.assertOpen();
    const key = objectKey(rules.keyNamespace(resource, namespace), name);
    if (this.staged) return this.staged.lookup(resource, key, this.cache) as T | undefined;
    return this.cache.get(resource, key) as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(resource: ResourceName, namespace?: string): T[] {
    this.assertOpen();
    const ns = RESOURCES[resource].namespaced ? namespace : undefined;
    return this.cache.list(resource, ns) as T[];
  }

  scan<T extends KubeObject = KubeObject>(resource: ResourceName): T[] {
    this.assertOpen();
    return this.cache.scan(resource) as T[];
  }

  count(resource: ResourceName): number {
    this.assertOpen();
    return this.cache.count(resource);
  }

  listPodsOnNode(nodeName: string): Pod[] {
    this.assertOpen();
    return this.cache.podsOnNode(nodeName);
  }

  listPodsOwnedBy(ownerUid: string): Pod[] {
    this.assertOpen();
    return this.cache.podsOwnedBy(ownerUid);
  }

  create<T extends KubeObject>(resource: ResourceName, object: T): T {
    return this.transaction((tx) => tx.create(resource, object));
  }

  update<T extends KubeObject>(resource: ResourceName, object: T, options?: WriteOptions): T {
    return this.transaction((tx) => tx.update(resource, object, options));
  }

  delete(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    options?: WriteOptions,
  ): KubeObject {
    return this.transaction((tx) => tx.delete(resource, namespace, name, options));
  }

  transaction<R>(fn: (tx: StoreWriter) => R): R {
    this.assertOpen();
    const outer = this.staged;
    if (outer) {
      // Joins the outer transaction as a savepoint: a throw undoes only this part.
      const mark = outer.mark();
      try {
        return this.runInTransaction(() => fn(outer.writer)) as R;
      } catch (e) {
        outer.rollbackTo(mark);
        throw e;
      }
    }
    const staged = new StagedWrites(this.lastRevision, (self) => this.writerFor(self));
    this.staged = staged;
    const started = performance.now();
    let result: R;
    try {
      result = this.runInTransaction.immediate(() => {
        const value = fn(staged.writer);
        if (value !== null && typeof (value as { then?: unknown } | undefined)?.then === "function") {
          throw errors.internal("a store transaction must be synchronous");
        }
        if (staged.events.length > 0) this.putMeta.run(REVISION_KEY, String(staged.nextRevision - 1));
        return value;
      }) as R;
    } finally {
      this.staged = undefined;
    }
    if (staged.events.length > 0) this.options.onWrite?.((performance.now() - started) / 1000);
    this.applyCommitted(staged.events);
    return result;
  }

  watch(
    resource: ResourceName,
    fromRevision: number | undefined,
    listener: (event: ChangeEvent) => void,
  ): WatchHandle {
    this.assertOpen();
    return this.hub.watch(resource, fromRevision, this.lastRevision, listener);
  }

  onChange(listener: (events: ChangeEvent[]) => void): () => void {
    this.assertOpen();
    return this.hub.onChange(listener);
  }

  putCredential(credential: Credential): void {
    this.assertOpen();
    this.credentials.put(credential);
  }

  getCredential(id: string): Credential | undefined {
    this.assertOpen();
    return this.credentials.get(id);
  }

  listCredentials(kind?: Credential["kind"]): Credential[] {
    this.assertOpen();
    return this.credentials.list(kind);
  }

  deleteCredential(id: string): boolean {
    this.assertOpen();
    return this.credentials.delete(id);
  }

  deleteNodeCredentials(nodeName: string): number {
    this.assertOpen();
    return this.credentials.deleteForNode(nodeName);
  }

  databaseBytes(): number {
    this.assertOpen();
    // The database's pages as this connection sees them, WAL included: no file system call.
    return sqlWork("measure the database", () => {
      const pages = Number(this.db.pragma("page_count", { simple: true }));
      const pageSize = Number(this.db.pragma("page_size", { simple: true }));
      return pages * pageSize;
    });
  }

  getSetting(key: string): string | undefined {
    this.assertOpen();
    const row = sqlWork("read a setting", () => this.getMeta.get(SETTING_PREFIX + key)) as
      { value: string } | undefined;
    return row?.value;
  }

  putSetting(key: string, value: string): void {
    this.assertOpen();
    sqlWork("store a setting", () => this.putMeta.run(SETTING_PREFIX + key, value));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.clear();
    this.checkpointer?.stop();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EverynodeError("ServiceUnavailable", "the store is closed");
  }

  /** Reads every object into memory; returns the last committed revision. */
  private load(): number {
    return sqlWork("load the stored objects", () => {
      const rows = this.db
        .prepare("SELECT resource, namespace, name, data FROM objects")
        .all() as ObjectRow[];
      const rewrite = this.db.prepare(
        "UPDATE objects SET data = ? WHERE resource = ? AND namespace = ? AND name = ?",
      );
      const stale: [string, string, string, string][] = [];
      let maxRevision = 0;
      for (const row of rows) {
        // Rows of a type this everynode does not serve are left alone in the file.
        if (!Object.hasOwn(RESOURCES, row.resource)) continue;
        const json = this.codec.decode(row.resource, row.data);
        // A Secret written in plain text or with an older key is written again with the
        // current key: how a key rotation completes.
        if (this.codec.stale(row.resource, row.data))
          stale.push([this.codec.encode(row.resource, json), row.resource, row.namespace, row.name]);
        const object = deepFreeze(JSON.parse(json) as KubeObject);
        const ns = object.metadata.namespace ?? "";
        this.cache.put(row.resource as ResourceName, objectKey(ns, object.metadata.name ?? ""), object);
        maxRevision = Math.max(maxRevision, Number(object.metadata.resourceVersion ?? 0));
      }
      if (stale.length > 0) this.db.transaction(() => stale.forEach((r) => rewrite.run(...r)))();
      const stored = this.getMeta.get(REVISION_KEY) as { value: string } | undefined;
      return Math.max(maxRevision, Number(stored?.value ?? 0));
    });
  }

  /** After COMMIT: memory, then history, then listeners. */
  private applyCommitted(events: ChangeEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) {
      const meta = event.object.metadata;
      const key = objectKey(meta.namespace ?? "", meta.name ?? "");
      if (event.type === "DELETED") this.cache.remove(event.resource, key);
      else this.cache.put(event.resource, key, event.object);
      this.history.append(event);
    }
    this.lastRevision = (events[events.length - 1] as ChangeEvent).revision;
    this.hub.publish(Object.freeze(events) as ChangeEvent[]);
  }

  /** The StoreWriter of a transaction: each call checks that the transaction is still open. */
  private writerFor(staged: StagedWrites): StoreWriter {
    const active = (): StagedWrites => {
      if (this.closed) throw new EverynodeError("ServiceUnavailable", "the store is closed");
      if (this.staged !== staged) throw errors.internal("the store transaction has already ended");
      return staged;
    };
    return {
      create: <T extends KubeObject>(resource: ResourceName, object: T): T =>
        this.writes.create(active(), resource, object),
      update: <T extends KubeObject>(resource: ResourceName, object: T, options?: WriteOptions): T =>
        this.writes.update(active(), resource, object, options),
      delete: (resource: ResourceName, namespace: string | undefined, name: string, options?: WriteOptions) =>
        this.writes.delete(active(), resource, namespace, name, options),
      get: <T extends KubeObject = KubeObject>(
        resource: ResourceName,
        namespace: string | undefined,
        name: string,
      ) => {
        const key = objectKey(rules.keyNamespace(resource, namespace), name);
        return active().lookup(resource, key, this.cache) as T | undefined;
      },
    };
  }
}
