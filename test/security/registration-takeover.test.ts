// A join token is not a node's identity, attacked over real HTTPS and WebSockets against a
// real server: registering an existing node's name with the join token used to hand out a
// new credential, revoke the real node's and merge the attacker's labels. Now the agent's
// node secret decides, and an admin frees a reinstalled machine's name by deleting its node.

import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CREDENTIAL_FILE,
  NODE_SECRET_FILE,
  saveCredential,
  type NodeCredential,
} from "../../agent/session/credential-store.js";
import { CredentialSource } from "../../agent/session/credentials.js";
import { systemClock } from "../../shared/clock.js";
import { bearerOf, parseJoinToken } from "../../shared/join-token.js";
import { silentLogger } from "../../shared/logger.js";
import { AGENT_REGISTER_PATH } from "../../shared/protocol.js";
import { UpgradeRefused } from "../agents/harness.js";
import { startNodeSecurityServer, type NodeSecurityServer } from "./node-security-server.js";

describe("registering an existing node's name", () => {
  let s: NodeSecurityServer;
  let real: NodeCredential;
  let joinBearer = "";

  const register = (body: Record<string, unknown>) =>
    s.client.api("POST", AGENT_REGISTER_PATH, body, joinBearer);
  const node = async (name: string): Promise<any> =>
    (await s.client.api("GET", `/api/v1/nodes/${name}`)).body;

  beforeAll(async () => {
    s = await startNodeSecurityServer();
    joinBearer = bearerOf(parseJoinToken(s.joinToken));
    real = await s.join("fuzz-a", s.agentDir("fuzz-a"), { zone: "a" });
    await s.connect(real);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("with the join token and another secret is refused (403), and nothing changes", async () => {
    const before = await node("fuzz-a");
    const r = await register({
      nodeName: "fuzz-a",
      labels: { zone: "evil", "node-role.kubernetes.io/control-plane": "" },
      taints: [],
      nodeSecret: randomBytes(32).toString("base64url"),
    });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ kind: "Status", reason: "Forbidden", code: 403 });
    expect(r.body.message).toMatch(
      /node "fuzz-a" is already registered by a machine with another node secret/,
    );
    expect(r.body.message).toMatch(/everynode delete node fuzz-a \(or kubectl delete node fuzz-a\)/);
    expect(r.body.token).toBeUndefined();
    const after = await node("fuzz-a");
    expect(after.metadata.labels).toEqual(before.metadata.labels);
    expect(after.metadata.labels["node-role.kubernetes.io/control-plane"]).toBeUndefined();
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it("a new node may not give itself a control-plane role label (NodeRestriction at registration)", async () => {
    const r = await register({
      nodeName: "fuzz-new",
      labels: { zone: "b", "node-role.kubernetes.io/control-plane": "" },
      taints: [],
      nodeSecret: randomBytes(32).toString("base64url"),
    });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/may not register with the labels node-role.kubernetes.io\/control-plane/);
    expect((await s.client.api("GET", "/api/v1/nodes/fuzz-new")).status).toBe(404);
  });

  it("without a secret is refused (422 naming nodeSecret)", async () => {
    const r = await register({ nodeName: "fuzz-a", labels: { "node-role.kubernetes.io/control-plane": "" } });
    expect(r.status).toBe(422);
    expect(r.body.details.causes.map((c: { field: string }) => c.field)).toEqual(["nodeSecret"]);
  });

  it("leaves the real node's credential working, on the API and on a new WebSocket", async () => {
    expect((await s.client.api("GET", "/api/v1/nodes/fuzz-a", undefined, real.token)).status).toBe(200);
    await s.connect(real);
  });

  it("the real agent registers again with its own secret, and keeps its node", async () => {
    const again = await s.join("fuzz-a", s.agentDir("fuzz-a"), { zone: "a" });
    expect(again.token).not.toBe(real.token);
    await s.connect(again);
    real = again;
  });

  it("a reinstalled machine (a new data dir) is told how to rejoin, and can once the admin deletes the node", async () => {
    const reinstalled = s.agentDir("fuzz-a-reinstalled");
    const refused = await s.join("fuzz-a", reinstalled).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(refused?.code).toBe("Forbidden");
    expect(refused?.message).toMatch(/^registration refused: node "fuzz-a" is already registered/);
    expect(refused?.message).toMatch(/everynode delete node fuzz-a/);

    // The admin follows the advice, with everynode's own CLI.
    const del = await s.client.everynode(["delete", "node", "fuzz-a"]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toMatch(/node "fuzz-a" deleted/);

    const rejoined = await s.join("fuzz-a", reinstalled, { zone: "b" });
    await s.connect(rejoined);
    expect((await node("fuzz-a")).metadata.labels).toMatchObject({ zone: "b" });
    // The old machine's credential went with its node, and its secret no longer holds the name.
    expect((await s.client.api("GET", "/api/v1/nodes/fuzz-a", undefined, real.token)).status).toBe(401);
    await expect(s.connect(real)).rejects.toBeInstanceOf(UpgradeRefused);
    const old = await s.join("fuzz-a", s.agentDir("fuzz-a")).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(old?.code).toBe("Forbidden");
  });

  it("keeps the node secret beside the credential, readable by its owner only", async () => {
    const dir = s.agentDir("fuzz-a-reinstalled");
    for (const file of [NODE_SECRET_FILE, CREDENTIAL_FILE]) {
      expect((await fs.stat(path.join(dir, file))).mode & 0o777, file).toBe(0o600);
    }
    const secret = (await fs.readFile(path.join(dir, NODE_SECRET_FILE), "utf8")).trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The server keeps only its hash: not in its database, nor in the database's log.
    const serverDir = path.join(s.dataDir, "server");
    const dbFiles = (await fs.readdir(serverDir)).filter((f) => f.startsWith("everynode.db"));
    expect(dbFiles).toContain("everynode.db");
    for (const f of dbFiles) {
      expect((await fs.readFile(path.join(serverDir, f))).includes(Buffer.from(secret)), f).toBe(false);
    }
  });
});

describe("a node registered before node secrets", () => {
  let s: NodeSecurityServer;
  beforeAll(async () => {
    s = await startNodeSecurityServer();
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** An agent data dir as an agent of before node secrets left it: a credential, no secret. */
  async function legacyAgent(name: string): Promise<string> {
    const created = await s.client.api("POST", "/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { zone: "old" } },
    });
    expect(created.status, created.text).toBe(201);
    const dir = s.agentDir(name);
    // Its old credential's text does not matter: claiming the name replaces it.
    await saveCredential(dir, {
      server: s.client.server,
      caPem: s.client.caPem,
      nodeName: name,
      token: "abcdef.0123456789abcdef",
    });
    return dir;
  }

  const source = (dir: string, joinToken?: string) =>
    new CredentialSource({
      server: s.client.server,
      dataDir: dir,
      request: () => ({ nodeName: "ignored", labels: {}, taints: [] }),
      clock: systemClock,
      logger: silentLogger,
      signal: new AbortController().signal,
      ...(joinToken ? { joinToken } : {}),
    });

  it("is claimed by its upgraded agent at start, before anyone else can", async () => {
    const dir = await legacyAgent("legacy-1");
    const credential = await source(dir, s.joinToken).get();
    expect(credential.nodeName).toBe("legacy-1");
    expect(credential.sentNodeSecret).toBe(true);
    await s.connect(credential);
    // Now a join-token holder with another secret is refused.
    const intruder = await s.join("legacy-1", s.agentDir("legacy-1-intruder")).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(intruder?.code).toBe("Forbidden");
    // A restart claims nothing again: the stored credential says its secret was sent.
    const stored = JSON.parse(await fs.readFile(path.join(dir, CREDENTIAL_FILE), "utf8")) as NodeCredential;
    expect(stored.sentNodeSecret).toBe(true);
    expect((await source(dir, s.joinToken).get()).token).toBe(credential.token);
  });

  it("without a join token the agent keeps its credential and claims at a later start", async () => {
    const dir = await legacyAgent("legacy-2");
    const kept = await source(dir).get();
    expect(kept.token).toBe("abcdef.0123456789abcdef");
    expect(kept.sentNodeSecret).toBeUndefined();
    const claimed = await source(dir, s.joinToken).get();
    expect(claimed.sentNodeSecret).toBe(true);
    await s.connect(claimed);
  });
});
