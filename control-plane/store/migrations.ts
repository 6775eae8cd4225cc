// The store's schema, as an ordered list of migrations. `PRAGMA user_version` records how
// many have been applied, so that a data file written by an older everynode is brought up
// to date at open, each step in its own transaction.

import { EverynodeError } from "../../shared/errors.js";
import type { SqlDatabase } from "./sql-types.js";

/** Migration i (0-based) brings the schema from user_version i to i + 1. Append only. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE objects (
    resource  TEXT NOT NULL,
    namespace TEXT NOT NULL,      -- "" for cluster-scoped objects
    name      TEXT NOT NULL,
    uid       TEXT NOT NULL,
    revision  INTEGER NOT NULL,   -- the global revision of the object's last write
    data      TEXT NOT NULL,      -- the object as JSON
    PRIMARY KEY (resource, namespace, name)
  );
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE credentials (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    node_name   TEXT,
    description TEXT,
    expires_at  INTEGER,
    created_at  INTEGER NOT NULL
  );
  CREATE INDEX credentials_by_node ON credentials (node_name);
  `,
];

/**
 * The WAL file's size once a checkpoint has copied it all: a burst of writes (a 10,000-node
 * rollout) grows it to hundreds of MB while checkpoints run behind, and without a limit
 * SQLite keeps the file at its largest size for good (440 MB at rest after one cycle at
 * 10,000 nodes); with it the file is cut back when the WAL starts over.
 */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Sets the connection's pragmas: WAL so that readers never block the writer, NORMAL sync
 * (WAL keeps commits atomic; at worst an OS crash loses the last ones), the WAL file's
 * size limit, a busy timeout for a second process such as a backup, and foreign keys on.
 */
export function configureConnection(db: SqlDatabase): void {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
}

/** The schema version of the file: how many migrations it has seen. */
export function schemaVersion(db: SqlDatabase): number {
  return Number(db.pragma("user_version", { simple: true }));
}

/** Applies every migration the file lacks; refuses a file from a newer everynode. */
export function migrate(db: SqlDatabase, migrations: readonly string[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new EverynodeError(
      "InternalError",
      `the data file has schema version ${current}, newer than this everynode knows (${migrations.length}); upgrade everynode`,
    );
  }
  for (let version = current; version < migrations.length; version++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(migrations[version] ?? "");
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.pragma(`user_version = ${version + 1}`);
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
  }
}
