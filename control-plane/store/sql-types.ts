// The little of a SQLite connection that the store's helpers use, as structural types, so
// that only sqlite-store.ts needs to import better-sqlite3 itself.

import { EverynodeError, errors } from "../../shared/errors.js";

/** A prepared statement. */
export interface SqlStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** An open connection. */
export interface SqlDatabase {
  /** Whether a transaction is open on the connection. */
  readonly inTransaction: boolean;
  exec(source: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  prepare(source: string): SqlStatement;
}

/**
 * Runs a piece of SQL work and turns a failure of SQLite itself (disk full, locked file,
 * corrupt data) into an InternalError, so that callers only ever see EverynodeErrors.
 */
export function sqlWork<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof EverynodeError) throw e;
    throw errors.internal(`the store could not ${what}: ${(e as Error).message}`, e);
  }
}
