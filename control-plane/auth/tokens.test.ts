import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { splitBearer } from "../../shared/join-token.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { hashSecret, nodeSecretId, TokenService } from "./tokens.js";

describe("TokenService", () => {
  let store: Store;
  let clock: FakeClock;
  let tokens: TokenService;
  beforeEach(() => {
    clock = new FakeClock(Date.UTC(2026, 0, 1));
    store = openStore({ path: ":memory:", clock });
    tokens = new TokenService({ store, clock });
  });
  afterEach(() => store.close());

  it("makes tokens of the form <6 chars>.<16 chars> and stores only the secret's hash", () => {
    const { id, bearer } = tokens.createJoinToken({ description: "lab" });
    expect(bearer).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(bearer.startsWith(`${id}.`)).toBe(true);
    const cred = store.getCredential(id);
    expect(cred).toMatchObject({
      kind: "join",
      description: "lab",
      secretHash: hashSecret(splitBearer(bearer)!.secret),
    });
    expect(JSON.stringify(cred)).not.toContain(splitBearer(bearer)!.secret);
    expect(tokens.authenticate(bearer)).toEqual({ kind: "join", tokenId: id });
    expect(tokens.authenticate(`Bearer ${bearer}`)).toEqual({ kind: "join", tokenId: id });
  });

  it("keeps the metrics token while it is valid; a missing or stale one is replaced and the old revoked", () => {
    const first = tokens.ensureMetricsToken(undefined);
    const id = splitBearer(first)!.id;
    expect(tokens.authenticate(first)).toEqual({ kind: "metrics", tokenId: id });
    expect(tokens.ensureMetricsToken(first)).toBe(first);
    expect(JSON.stringify(store.listCredentials("metrics"))).not.toContain(splitBearer(first)!.secret);
    // The file was deleted (or holds something else): a new token, and the old one stops working.
    const second = tokens.ensureMetricsToken(undefined);
    expect(second).not.toBe(first);
    expect(tokens.authenticate(first)).toBeUndefined();
    expect(tokens.ensureMetricsToken("garbage")).not.toBe(second);
    expect(store.listCredentials("metrics")).toHaveLength(1);
    // A join token is no metrics token: it gets a new one, and stays a join token.
    const join = tokens.createJoinToken().bearer;
    const third = tokens.ensureMetricsToken(join);
    expect(third).not.toBe(join);
    expect(tokens.authenticate(third)?.kind).toBe("metrics");
    expect(tokens.authenticate(join)?.kind).toBe("join");
  });

  it.each([
    ["nothing", undefined],
    ["an empty string", ""],
    ["a malformed token", "not-a-token"],
    ["an unknown id", "zzzzzz.0123456789abcdef"],
  ])("refuses %s", (_what, bearer) => {
    tokens.createJoinToken({});
    expect(tokens.authenticate(bearer)).toBeUndefined();
  });

  it("refuses a known id with a wrong secret, even one differing in the last character", () => {
    const { bearer } = tokens.createJoinToken({});
    const last = bearer.at(-1) === "a" ? "b" : "a";
    expect(tokens.authenticate(bearer.slice(0, -1) + last)).toBeUndefined();
    expect(tokens.authenticate(bearer)).toBeDefined();
  });

  it("refuses a join token once it expired", async () => {
    const { bearer } = tokens.createJoinToken({ ttlMs: 60_000 });
    await clock.advance(59_999);
    expect(tokens.authenticate(bearer)?.kind).toBe("join");
    await clock.advance(1);
    expect(tokens.authenticate(bearer)).toBeUndefined();
  });

  it("refuses a deleted join token and lists the others", () => {
    const a = tokens.createJoinToken({});
    const b = tokens.createJoinToken({});
    expect(tokens.deleteToken(a.id)).toBe(true);
    expect(tokens.deleteToken(a.id)).toBe(false);
    expect(tokens.authenticate(a.bearer)).toBeUndefined();
    expect(tokens.listJoinTokens().map((c) => c.id)).toEqual([b.id]);
  });

  it("does not delete the admin token through deleteToken", () => {
    const admin = tokens.ensureAdminToken();
    expect(tokens.deleteToken(splitBearer(admin)!.id)).toBe(false);
    expect(tokens.authenticate(admin)).toEqual({ kind: "admin", name: "admin" });
  });

  it("keeps one admin token across restarts", () => {
    const first = tokens.ensureAdminToken();
    const again = new TokenService({ store, clock }).ensureAdminToken();
    expect(again).toBe(first);
    expect(store.listCredentials("admin")).toHaveLength(1);
  });

  it("replaces a node's credentials when it gets a new one, and revokes them all", () => {
    const old = tokens.issueNodeCredential("node-a");
    const other = tokens.issueNodeCredential("node-b");
    const fresh = tokens.issueNodeCredential("node-a");
    expect(tokens.authenticate(old)).toBeUndefined();
    expect(tokens.authenticate(fresh)).toEqual({
      kind: "node",
      nodeName: "node-a",
      credentialId: splitBearer(fresh)!.id,
    });
    tokens.revokeNode("node-a");
    expect(tokens.authenticate(fresh)).toBeUndefined();
    expect(tokens.authenticate(other)?.kind).toBe("node");
  });

  describe("node secrets", () => {
    const secret = "s".repeat(43);

    it("is unset until set, then matches only the same secret", () => {
      expect(tokens.checkNodeSecret("node-a", secret)).toBe("unset");
      tokens.setNodeSecret("node-a", secret);
      expect(tokens.checkNodeSecret("node-a", secret)).toBe("matches");
      expect(tokens.checkNodeSecret("node-a", "t".repeat(43))).toBe("differs");
      expect(tokens.checkNodeSecret("node-b", secret)).toBe("unset");
    });

    it("stores only the hash, under the node's name", () => {
      tokens.setNodeSecret("node-a", secret);
      expect(store.getCredential(nodeSecretId("node-a"))).toMatchObject({
        kind: "node-secret",
        nodeName: "node-a",
        secretHash: hashSecret(secret),
      });
      expect(JSON.stringify(store.listCredentials())).not.toContain(secret);
    });

    it("survives a new credential for the node, and goes when the node is revoked", () => {
      tokens.setNodeSecret("node-a", secret);
      tokens.setNodeSecret("node-b", secret);
      tokens.issueNodeCredential("node-a");
      tokens.issueNodeCredential("node-a");
      expect(tokens.checkNodeSecret("node-a", secret)).toBe("matches");
      tokens.revokeNode("node-a");
      expect(tokens.checkNodeSecret("node-a", secret)).toBe("unset");
      expect(tokens.checkNodeSecret("node-b", secret)).toBe("matches");
    });

    it("is never a bearer token", () => {
      tokens.setNodeSecret("abcdef", "0123456789abcdef");
      expect(tokens.authenticate("abcdef.0123456789abcdef")).toBeUndefined();
      expect(tokens.authenticate(`${nodeSecretId("abcdef")}.0123456789abcdef`)).toBeUndefined();
    });
  });
});
