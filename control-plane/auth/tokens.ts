// Bearer tokens: the admin token, join tokens (may only register) and node credentials.
// Every token is `<id>.<secret>`; the store keeps the id and a sha256 of the secret, never
// the secret, so a copied database does not hand out working tokens (the admin token's
// plain text is the one exception, see ensureAdminToken). Also each node's secret (k3s's
// "node password"): an agent proves with it that it is the node it re-registers as.

import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../shared/clock.js";
import { splitBearer } from "../../shared/join-token.js";
import type { Credential, Store } from "../store/store.js";
import type { Authenticator, Principal } from "./principal.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** The store setting that holds the admin token's plain text. */
export const ADMIN_TOKEN_SETTING = "admin-token";

function randomText(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** sha256 hex of a token's secret part: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares a secret with a stored hash in constant time. */
function secretMatches(secret: string, secretHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(secretHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** A stored node secret against a registration's: none stored yet, the same, or another. */
export type NodeSecretCheck = "unset" | "matches" | "differs";

/**
 * The row of a node's secret. Bearer ids are 6 characters of [a-z0-9], so no bearer token
 * can name this row (and authenticate() turns no node-secret row into a principal).
 */
export function nodeSecretId(nodeName: string): string {
  return `node-secret/${nodeName}`;
}

/** Issues, checks and revokes everynode's bearer tokens and keeps the nodes' secrets. */
export class TokenService implements Authenticator {
  constructor(private readonly deps: { store: Store; clock: Clock }) {}

  /**
   * The admin token, created on the first call and the same ever after. Its plain text is
   * kept in the store setting "admin-token" (the store file lives in the server's private
   * data dir, as the kubeconfig does), so that a restarted server can write the kubeconfig
   * again; its credential row holds only the hash, like every other token.
   */
  ensureAdminToken(): string {
    const { store } = this.deps;
    const saved = store.getSetting(ADMIN_TOKEN_SETTING);
    const parts = saved ? splitBearer(saved) : undefined;
    if (saved && parts) {
      const cred = store.getCredential(parts.id);
      if (cred?.kind === "admin" && secretMatches(parts.secret, cred.secretHash)) return saved;
    }
    const bearer = this.issue({ kind: "admin", description: "the admin token (kubeconfig)" });
    store.putSetting(ADMIN_TOKEN_SETTING, bearer);
    return bearer;
  }

  /**
   * The read-only metrics token: `current` (the data dir's metrics-token file) while it is
   * still a valid one, else a new one, and every other metrics token is revoked (deleting
   * the file and restarting the server rotates it). Only its hash is stored.
   */
  ensureMetricsToken(current: string | undefined): string {
    const { store } = this.deps;
    if (current !== undefined && this.authenticate(current)?.kind === "metrics") return current;
    for (const old of store.listCredentials("metrics")) store.deleteCredential(old.id);
    return this.issue({ kind: "metrics", description: "the metrics token (Prometheus)" });
  }

  /** A new join token; `ttlMs` absent means it never expires. */
  createJoinToken(opts: { ttlMs?: number; description?: string } = {}): { id: string; bearer: string } {
    const extra: Partial<Credential> = {};
    if (opts.ttlMs !== undefined) extra.expiresAt = this.deps.clock.now() + opts.ttlMs;
    if (opts.description !== undefined) extra.description = opts.description;
    const bearer = this.issue({ kind: "join", ...extra });
    return { id: bearer.slice(0, bearer.indexOf(".")), bearer };
  }

  /** Every join token, expired ones included (so that a person sees why one fails). */
  listJoinTokens(): Credential[] {
    return this.deps.store.listCredentials("join");
  }

  /** Deletes a join token by id; false when there is none (admin and node credentials are not touched). */
  deleteToken(id: string): boolean {
    const cred = this.deps.store.getCredential(id);
    if (cred?.kind !== "join") return false;
    return this.deps.store.deleteCredential(id);
  }

  /** A fresh credential for a node; its previous credentials stop working. */
  issueNodeCredential(nodeName: string): string {
    this.deps.store.deleteNodeCredentials(nodeName);
    return this.issue({ kind: "node", nodeName, description: `node ${nodeName}` });
  }

  /**
   * Removes every credential of a node and its node secret (it was deleted: its agent must
   * register again, and any machine may then register under that name).
   */
  revokeNode(nodeName: string): void {
    this.deps.store.deleteNodeCredentials(nodeName);
    this.deps.store.deleteCredential(nodeSecretId(nodeName));
  }

  /** How a registration's node secret compares with the one stored for that node. */
  checkNodeSecret(nodeName: string, secret: string): NodeSecretCheck {
    const stored = this.deps.store.getCredential(nodeSecretId(nodeName));
    if (stored?.kind !== "node-secret") return "unset";
    return secretMatches(secret, stored.secretHash) ? "matches" : "differs";
  }

  /** Keeps (the hash of) a node's secret, replacing any earlier one. */
  setNodeSecret(nodeName: string, secret: string): void {
    this.deps.store.putCredential({
      id: nodeSecretId(nodeName),
      kind: "node-secret",
      nodeName,
      secretHash: hashSecret(secret),
      description: `node secret of ${nodeName}`,
      createdAt: this.deps.clock.now(),
    });
  }

  /** The principal of a bearer token (with or without the "Bearer " prefix), or undefined. */
  authenticate(bearer: string | undefined): Principal | undefined {
    if (!bearer) return undefined;
    const parts = splitBearer(bearer.replace(/^Bearer\s+/i, "").trim());
    if (!parts) return undefined;
    const cred = this.deps.store.getCredential(parts.id);
    if (!cred || !secretMatches(parts.secret, cred.secretHash)) return undefined;
    if (cred.expiresAt !== undefined && cred.expiresAt <= this.deps.clock.now()) return undefined;
    switch (cred.kind) {
      case "admin":
        return { kind: "admin", name: "admin" };
      case "join":
        return { kind: "join", tokenId: cred.id };
      case "node":
        return cred.nodeName ? { kind: "node", nodeName: cred.nodeName, credentialId: cred.id } : undefined;
      case "metrics":
        return { kind: "metrics", tokenId: cred.id };
      default:
        return undefined;
    }
  }

  private issue(fields: Omit<Credential, "id" | "secretHash" | "createdAt">): string {
    const { store, clock } = this.deps;
    let id = randomText(6);
    while (store.getCredential(id)) id = randomText(6);
    const secret = randomText(16);
    store.putCredential({ ...fields, id, secretHash: hashSecret(secret), createdAt: clock.now() });
    return `${id}.${secret}`;
  }
}
