// The credentials table: tokens of admins, joining agents and nodes, and the nodes' secrets.
// Only the sha256 of a secret is stored, never the secret. Credentials read are remembered
// (every request and every agent connection looks one up, ~40-60 µs in SQLite while 10,000
// agents connect); any write to the table forgets what it may change first, and nothing read
// inside a transaction is remembered, as the transaction may still be rolled back.

import { RecentMap } from "../../shared/recent-map.js";
import type { Credential } from "./store.js";
import { sqlWork, type SqlDatabase, type SqlStatement } from "./sql-types.js";

/** How many credentials are remembered: a fleet's node tokens, and then some. */
const RECENT_CREDENTIALS = 65_536;

interface CredentialRow {
  id: string;
  kind: Credential["kind"];
  secret_hash: string;
  node_name: string | null;
  description: string | null;
  expires_at: number | null;
  created_at: number;
}

function fromRow(row: CredentialRow): Credential {
  const credential: Credential = {
    id: row.id,
    kind: row.kind,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
  };
  if (row.node_name !== null) credential.nodeName = row.node_name;
  if (row.description !== null) credential.description = row.description;
  if (row.expires_at !== null) credential.expiresAt = row.expires_at;
  return credential;
}

/** Prepared statements over the credentials table. */
export class CredentialTable {
  private readonly putStmt: SqlStatement;
  private readonly getStmt: SqlStatement;
  private readonly listAllStmt: SqlStatement;
  private readonly listKindStmt: SqlStatement;
  private readonly deleteStmt: SqlStatement;
  private readonly deleteNodeStmt: SqlStatement;
  /** Committed credentials read lately, by id (misses are not remembered). */
  private readonly recent = new RecentMap<string, Credential>(RECENT_CREDENTIALS);

  constructor(private readonly db: SqlDatabase) {
    this.putStmt = db.prepare(
      `INSERT INTO credentials (id, kind, secret_hash, node_name, description, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, secret_hash = excluded.secret_hash,
         node_name = excluded.node_name, description = excluded.description,
         expires_at = excluded.expires_at, created_at = excluded.created_at`,
    );
    this.getStmt = db.prepare("SELECT * FROM credentials WHERE id = ?");
    this.listAllStmt = db.prepare("SELECT * FROM credentials ORDER BY created_at, id");
    this.listKindStmt = db.prepare("SELECT * FROM credentials WHERE kind = ? ORDER BY created_at, id");
    this.deleteStmt = db.prepare("DELETE FROM credentials WHERE id = ?");
    this.deleteNodeStmt = db.prepare(
      "DELETE FROM credentials WHERE node_name = ? AND kind = 'node' RETURNING id",
    );
  }

  /** Adds or replaces a credential by id. */
  put(c: Credential): void {
    this.recent.delete(c.id);
    sqlWork("store a credential", () =>
      this.putStmt.run(
        c.id,
        c.kind,
        c.secretHash,
        c.nodeName ?? null,
        c.description ?? null,
        c.expiresAt ?? null,
        c.createdAt,
      ),
    );
  }

  get(id: string): Credential | undefined {
    const known = this.recent.get(id);
    if (known) return { ...known };
    const row = sqlWork("read a credential", () => this.getStmt.get(id)) as CredentialRow | undefined;
    if (!row) return undefined;
    const credential = fromRow(row);
    if (!this.db.inTransaction) this.recent.set(id, { ...credential });
    return credential;
  }

  /** All credentials, or those of one kind, oldest first. */
  list(kind?: Credential["kind"]): Credential[] {
    const rows = sqlWork("list credentials", () =>
      kind === undefined ? this.listAllStmt.all() : this.listKindStmt.all(kind),
    ) as CredentialRow[];
    return rows.map(fromRow);
  }

  delete(id: string): boolean {
    this.recent.delete(id);
    return sqlWork("delete a credential", () => this.deleteStmt.run(id)).changes > 0;
  }

  /** Removes a node's bearer credentials (not its node secret); returns how many there were. */
  deleteForNode(nodeName: string): number {
    // The table says which ids went: only they are forgotten (every registration issues a
    // node credential this way, and forgetting all made each one read the join token again).
    const gone = sqlWork("delete a node's credentials", () => this.deleteNodeStmt.all(nodeName)) as {
      id: string;
    }[];
    for (const { id } of gone) this.recent.delete(id);
    return gone.length;
  }
}
