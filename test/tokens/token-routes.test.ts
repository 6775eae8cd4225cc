// The join-token API over real HTTPS, with a real store in a temporary file, the real
// TokenService and the registration router beside it: what a token made here can do, and
// what it can no longer do once deleted or expired.

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Node } from "../../shared/api-types.js";
import { parseJoinToken, bearerOf } from "../../shared/join-token.js";
import { silentLogger } from "../../shared/logger.js";
import { AGENT_REGISTER_PATH } from "../../shared/protocol.js";
import type { RegisterResponse } from "../../shared/protocol.js";
import { createAgentRouter } from "../../control-plane/agents/registration-router.js";
import type { Pki } from "../../control-plane/auth/pki.js";
import { ensurePki } from "../../control-plane/auth/pki.js";
import {
  createTokenRouter,
  JOIN_TOKENS_PATH,
  parseCreateRequest,
  toJoinTokenObject,
} from "../../control-plane/auth/token-routes.js";
import { TokenService } from "../../control-plane/auth/tokens.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { EverynodeError } from "../../shared/errors.js";
import { FakeClock } from "../helpers/fake-clock.js";

interface Reply {
  status: number;
  text: string;
  body: any;
}

describe("the join-token API (everynode.io/v1 jointokens)", () => {
  let dir: string;
  let store: Store;
  let pki: Pki;
  let tokens: TokenService;
  let clock: FakeClock;
  let server: https.Server;
  let port: number;
  let admin: string;

  const call = (method: string, urlPath: string, token?: string, body?: unknown): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const req = https.request(
        {
          host: "127.0.0.1",
          port,
          path: urlPath,
          method,
          ca: pki.caCertPem,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(payload !== undefined ? { "content-type": "application/json" } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, text, body: parsed });
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });

  const register = (bearer: string, nodeName: string): Promise<Reply> =>
    call("POST", AGENT_REGISTER_PATH, bearer, {
      nodeName,
      labels: {},
      taints: [],
      nodeSecret: randomBytes(32).toString("base64url"),
    });

  const create = async (spec: Record<string, unknown> = {}): Promise<any> => {
    const res = await call("POST", JOIN_TOKENS_PATH, admin, { spec });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "everynode-tokens-"));
    // Starts at the real time so that the certificates are valid.
    clock = new FakeClock(Date.now());
    store = openStore({ path: path.join(dir, "everynode.db"), clock });
    pki = await ensurePki(dir, { sans: [], clock });
    tokens = new TokenService({ store, clock });
    admin = tokens.ensureAdminToken();
    const events = new EventRecorder({ store, clock, ttlMs: 3600_000 });
    const app = express();
    // Mounted as the server mounts them: before any body parser or authentication.
    app.use(createAgentRouter({ tokens, store, clock, logger: silentLogger, pki, events }));
    app.use(createTokenRouter({ tokens, authenticator: tokens, pki, clock, logger: silentLogger }));
    app.use((_req, res) => {
      res.status(404).json({ kind: "Status", apiVersion: "v1", status: "Failure", code: 404 });
    });
    server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates a token whose full join token pins the CA and registers an agent", async () => {
    const item = await create({ ttl: "24h", description: "rack 4" });
    expect(item).toMatchObject({
      apiVersion: "everynode.io/v1",
      kind: "JoinToken",
      spec: { description: "rack 4" },
      status: { expired: false },
    });
    const join = parseJoinToken(item.status.token);
    expect(join.caHash).toBe(pki.caHash);
    expect(join.id).toBe(item.metadata.name);
    expect(Date.parse(item.spec.expires) - clock.now()).toBeGreaterThan(24 * 3600_000 - 2000);
    expect(Date.parse(item.spec.expires) - clock.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(item.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const res = await register(bearerOf(join), "joined-1");
    expect(res.status).toBe(200);
    expect((res.body as RegisterResponse).nodeName).toBe("joined-1");
    expect(store.get<Node>("nodes", undefined, "joined-1")).toBeDefined();
  });

  it("lists and gets tokens without their secret; a token without ttl never expires", async () => {
    const item = await create({});
    const secret = parseJoinToken(item.status.token).secret;
    expect(item.spec).toEqual({});

    const list = await call("GET", JOIN_TOKENS_PATH, admin);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ apiVersion: "everynode.io/v1", kind: "JoinTokenList", metadata: {} });
    const mine = list.body.items.find((i: any) => i.metadata.name === item.metadata.name);
    expect(mine).toEqual({ ...item, status: { expired: false } });
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain("secretHash");
    // The admin token is not a join token: it is not listed.
    expect(list.body.items.map((i: any) => i.metadata.name)).not.toContain(admin.split(".")[0]);

    const one = await call("GET", `${JOIN_TOKENS_PATH}/${item.metadata.name}`, admin);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(mine);
    expect(one.text).not.toContain(secret);
  });

  it("deletes a token: registering with it then gets 401 and creates no node", async () => {
    const item = await create({ description: "to delete" });
    const bearer = bearerOf(parseJoinToken(item.status.token));
    const del = await call("DELETE", `${JOIN_TOKENS_PATH}/${item.metadata.name}`, admin);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: item.metadata.name },
    });

    const revision = store.revision();
    const res = await register(bearer, "never-joined");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ kind: "Status", reason: "Unauthorized" });
    expect(store.get<Node>("nodes", undefined, "never-joined")).toBeUndefined();
    expect(store.revision()).toBe(revision);

    const gone = await call("GET", `${JOIN_TOKENS_PATH}/${item.metadata.name}`, admin);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ kind: "Status", reason: "NotFound" });
    expect(gone.body.message).toBe(`jointokens.everynode.io "${item.metadata.name}" not found`);
    expect((await call("DELETE", `${JOIN_TOKENS_PATH}/${item.metadata.name}`, admin)).status).toBe(404);
  });

  it("refuses a token with ttl 1s once it expired, and shows it as expired", async () => {
    const item = await create({ ttl: "1s" });
    const bearer = bearerOf(parseJoinToken(item.status.token));
    await clock.advance(1000);
    const res = await register(bearer, "too-late");
    expect(res.status).toBe(401);
    expect(store.get<Node>("nodes", undefined, "too-late")).toBeUndefined();
    const one = await call("GET", `${JOIN_TOKENS_PATH}/${item.metadata.name}`, admin);
    expect(one.body.status).toEqual({ expired: true });
  });

  it("answers 403 to a node credential and to a join token", async () => {
    const item = await create({});
    const join = bearerOf(parseJoinToken(item.status.token));
    const node = (await register(join, "curious-node")).body.token as string;
    for (const token of [node, join]) {
      for (const [method, p] of [
        ["GET", JOIN_TOKENS_PATH],
        ["POST", JOIN_TOKENS_PATH],
        ["DELETE", `${JOIN_TOKENS_PATH}/${item.metadata.name}`],
      ] as const) {
        const res = await call(method, p, token, method === "POST" ? { spec: {} } : undefined);
        expect(res.status, `${method} ${p}`).toBe(403);
        expect(res.body).toMatchObject({ kind: "Status", reason: "Forbidden", code: 403 });
      }
    }
    // Nothing was deleted by those attempts.
    expect((await call("GET", `${JOIN_TOKENS_PATH}/${item.metadata.name}`, admin)).status).toBe(200);
  });

  it.each([
    ["no token", undefined],
    ["an unknown token", "zzzzzz.0123456789abcdef"],
  ])("answers 401 to %s", async (_what, token) => {
    for (const method of ["GET", "POST"]) {
      const res = await call(method, JOIN_TOKENS_PATH, token, method === "POST" ? { spec: {} } : undefined);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    }
  });

  it("answers 422 naming spec.ttl for a bad ttl, and makes no token", async () => {
    const before = tokens.listJoinTokens().length;
    const res = await call("POST", JOIN_TOKENS_PATH, admin, { spec: { ttl: "soon" } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ kind: "Status", reason: "Invalid", code: 422 });
    expect(res.body.details.causes).toEqual([
      expect.objectContaining({ field: "spec.ttl", reason: "FieldValueInvalid" }),
    ]);
    expect(tokens.listJoinTokens()).toHaveLength(before);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const res = await call("POST", JOIN_TOKENS_PATH, admin, "{not json");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: "Status", reason: "BadRequest" });
  });

  it("answers 405 to other verbs and 404 to other paths of the group", async () => {
    expect((await call("PUT", JOIN_TOKENS_PATH, admin, {})).status).toBe(405);
    const other = await call("GET", "/apis/everynode.io/v1/other", admin);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ kind: "Status", reason: "NotFound" });
  });
});

describe("parseCreateRequest", () => {
  it.each([
    ["an empty body", undefined, {}],
    ["an empty spec", { spec: {} }, {}],
    ["a ttl", { spec: { ttl: "24h" } }, { ttlMs: 24 * 3600_000 }],
    ["a compound ttl", { spec: { ttl: "1h30m" } }, { ttlMs: 90 * 60_000 }],
    ["ttl 0 (never expires)", { spec: { ttl: "0" } }, {}],
    ["a description", { spec: { description: "lab" } }, { description: "lab" }],
    ["an empty description", { spec: { description: "" } }, {}],
  ])("accepts %s", (_what, body, want) => {
    expect(parseCreateRequest(body)).toEqual(want);
  });

  it.each([
    ["a word as ttl", { spec: { ttl: "tomorrow" } }, "spec.ttl"],
    ["a number as ttl", { spec: { ttl: 60 } }, "spec.ttl"],
    ["a negative ttl", { spec: { ttl: "-1h" } }, "spec.ttl"],
    ["a description that is not text", { spec: { description: 7 } }, "spec.description"],
    ["a long description", { spec: { description: "x".repeat(257) } }, "spec.description"],
    ["a spec that is a list", { spec: [] }, "spec"],
    ["a body that is a list", [], "<body>"],
  ])("refuses %s with a cause on %s", (_what, body, field) => {
    let caught: unknown;
    try {
      parseCreateRequest(body);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EverynodeError);
    expect((caught as EverynodeError).code).toBe("Invalid");
    expect((caught as EverynodeError).details?.causes?.map((c) => c.field)).toEqual([field]);
  });
});

describe("toJoinTokenObject", () => {
  const base = {
    id: "abc123",
    kind: "join" as const,
    secretHash: "f".repeat(64),
    createdAt: Date.UTC(2026, 0, 1),
  };
  it.each([
    ["no expiry", {}, {}, false],
    ["a future expiry", { expiresAt: Date.UTC(2026, 0, 3) }, { expires: "2026-01-03T00:00:00Z" }, false],
    ["an expiry now", { expiresAt: Date.UTC(2026, 0, 2) }, { expires: "2026-01-02T00:00:00Z" }, true],
    ["a description", { description: "lab" }, { description: "lab" }, false],
  ])("shows %s", (_what, extra, spec, expired) => {
    const obj = toJoinTokenObject({ ...base, ...extra }, Date.UTC(2026, 0, 2));
    expect(obj).toEqual({
      apiVersion: "everynode.io/v1",
      kind: "JoinToken",
      metadata: { name: "abc123", creationTimestamp: "2026-01-01T00:00:00Z" },
      spec,
      status: { expired },
    });
    expect(JSON.stringify(obj)).not.toContain("secretHash");
  });
});
