// Who may do what, against a real server and real agents: every refusal comes with the
// right status and a clear message, and none of them changes anything.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { bearerOf, formatJoinToken, parseJoinToken } from "../../shared/join-token.js";
import type { Cluster } from "../helpers/cluster.js";
import { EVERYNODE_BIN, REPO_ROOT, startCluster, waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";

const DS = webDaemonSet("web", {}, {}, 1);
const MERGE = "application/merge-patch+json";

describe("the security matrix", () => {
  let cluster: Cluster;
  let credA = "";
  let podA = "";
  let podB = "";
  let before = "";

  /** What a refused request must not change: names, uids, specs, labels, pod phases. */
  async function fingerprint(): Promise<string> {
    // Status writes of agents and controllers bump resourceVersions; everything else must stay.
    const meta = ({ resourceVersion: _rv, managedFields: _mf, ...rest }: any) => rest;
    const nodes = (await cluster.nodes()).map((n) => [meta(n.metadata), n.spec]);
    const pods = (await cluster.pods()).map((p) => [p.metadata.uid, p.spec.nodeName, p.status?.phase]);
    const ds = (await cluster.api("GET", "/apis/apps/v1/daemonsets")).body.items.map((d: any) =>
      meta(d.metadata),
    );
    return JSON.stringify({ nodes, pods, ds });
  }

  function expectStatus(
    r: { status: number; body: any },
    status: number,
    reason: string,
    text: RegExp,
  ): void {
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ kind: "Status", status: "Failure", code: status, reason });
    expect(r.body.message).toMatch(text);
  }

  /** An `everynode agent` process that is expected never to join; its log lines are collected. */
  function spawnAgent(
    server: string,
    token: string,
    name: string,
  ): { logs: string[]; child: ReturnType<typeof spawn> } {
    const logs: string[] = [];
    const dataDir = path.join(cluster.dataDir, "agents", name);
    const args = ["agent", "--server", server, "--token", token, "--name", name, "--data-dir", dataDir];
    const child = spawn(process.execPath, [EVERYNODE_BIN, ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (c: Buffer): void => void logs.push(...c.toString().split("\n").filter(Boolean));
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    return { logs, child };
  }

  async function stopProcess(child: ReturnType<typeof spawn>): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await waitFor("the agent to exit", () => child.exitCode !== null || child.signalCode !== null, 10_000);
  }

  beforeAll(async () => {
    cluster = await startCluster({ noServerAgent: true, agents: [{ name: "sec-a" }, { name: "sec-b" }] });
    expect((await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", DS)).status).toBe(201);
    await waitFor("both web pods Running", async () => {
      const pods = await cluster.pods("default");
      const running = pods.filter((p) => p.status?.phase === "Running");
      return running.length === 2 ? running : undefined;
    });
    for (const p of await cluster.pods("default")) {
      if (p.spec.nodeName === "sec-a") podA = p.metadata.name;
      if (p.spec.nodeName === "sec-b") podB = p.metadata.name;
    }
    credA = (
      JSON.parse(readFileSync(path.join(cluster.dataDir, "agents/sec-a/node-credential.json"), "utf8")) as {
        token: string;
      }
    ).token;
    before = await fingerprint();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("refuses the API without a token or with a wrong one (401)", async () => {
    expectStatus(await cluster.api("GET", "/api/v1/nodes", undefined, ""), 401, "Unauthorized", /./);
    expectStatus(
      await cluster.api("GET", "/api/v1/nodes", undefined, "abcdef.0123456789abcdef"),
      401,
      "Unauthorized",
      /./,
    );
    const admin = cluster.adminToken;
    const wrongSecret = `${admin.slice(0, 7)}${admin.slice(7).split("").reverse().join("")}`;
    expect(wrongSecret).not.toBe(admin);
    expectStatus(
      await cluster.api("DELETE", "/api/v1/nodes/sec-b", undefined, wrongSecret),
      401,
      "Unauthorized",
      /./,
    );
    expect(await fingerprint()).toBe(before);
  });

  const register = (bearer: string) =>
    cluster.api("POST", "/agent/v1/register", { nodeName: "intruder", labels: {}, taints: [] }, bearer);

  it("refuses registration with a well-formed unknown join token or a wrong secret (401)", async () => {
    const real = parseJoinToken(cluster.joinToken);
    expectStatus(await register("zzzzzz.0123456789abcdef"), 401, "Unauthorized", /join token/);
    expectStatus(await register(`${real.id}.0123456789abcdef`), 401, "Unauthorized", /join token/);
    expectStatus(await register(`EN1.${real.caHash}.${bearerOf(real)}`), 401, "Unauthorized", /join token/);
    expect(await fingerprint()).toBe(before);
  });

  it("refuses registration with an expired join token (401)", async () => {
    const create = async (ttl: string): Promise<string> => {
      const r = await cluster.everynode(["token", "create", "--ttl", ttl]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const expiring = await create("1s");
    const lasting = await create("1h");
    await new Promise((r) => setTimeout(r, 2000));
    const expired = bearerOf(parseJoinToken(expiring));
    expectStatus(await register(expired), 401, "Unauthorized", /join token/);
    // The unexpired one authenticates (and, being a join token, may not list nodes).
    const valid = bearerOf(parseJoinToken(lasting));
    expectStatus(await cluster.api("GET", "/api/v1/nodes", undefined, valid), 403, "Forbidden", /cannot/);
    expectStatus(await cluster.api("GET", "/api/v1/nodes", undefined, expired), 401, "Unauthorized", /./);
    // An agent given the expired token says so, and its node never appears.
    const { logs, child } = spawnAgent(cluster.server, expiring, "late");
    try {
      await waitFor("the agent to report the refusal", () =>
        logs.some((l) => /the server refused the join token/.test(l)),
      );
    } finally {
      await stopProcess(child);
    }
    expect((await cluster.nodes()).map((n) => n.metadata.name).sort()).toEqual(["sec-a", "sec-b"]);
    expect(await fingerprint()).toBe(before);
  });

  it("an agent whose join token pins another CA refuses to talk, does not register, and keeps retrying", async () => {
    const real = parseJoinToken(cluster.joinToken);
    const otherHash = real.caHash.replace(/^./, real.caHash.startsWith("0") ? "1" : "0");
    const { logs, child } = spawnAgent(
      cluster.server,
      formatJoinToken({ ...real, caHash: otherHash }),
      "pinless",
    );
    try {
      await waitFor(
        "two join failures naming the pin",
        () => logs.filter((l) => /join token pins/.test(l)).length >= 2,
        20_000,
      );
      await new Promise((r) => setTimeout(r, 3000));
      expect(child.exitCode).toBeNull();
      expect(logs.join("\n")).toMatch(/TlsPinMismatch/);
      expect(logs.join("\n")).toContain(otherHash);
      expect((await cluster.nodes()).map((n) => n.metadata.name)).not.toContain("pinless");
    } finally {
      await stopProcess(child);
    }
    expect(await fingerprint()).toBe(before);
  });

  it("refuses a node credential everything about another node (403)", async () => {
    const as = (method: string, p: string, body?: unknown, type?: string) =>
      cluster.api(method, p, body, credA, type);
    const forbidden = [
      await as("GET", "/api/v1/nodes/sec-b/status"),
      await as("PATCH", "/api/v1/nodes/sec-b/status", { status: { phase: "Terminated" } }, MERGE),
      await as("PATCH", "/api/v1/nodes/sec-b", { metadata: { labels: { owned: "yes" } } }, MERGE),
      await as("GET", `/api/v1/namespaces/default/pods/${podB}`),
      await as(
        "PATCH",
        `/api/v1/namespaces/default/pods/${podB}/status`,
        { status: { phase: "Failed" } },
        MERGE,
      ),
      await as("DELETE", `/api/v1/namespaces/default/pods/${podB}`),
      await as("DELETE", "/api/v1/nodes/sec-b"),
      await as("GET", "/api/v1/pods"),
      await as("GET", "/api/v1/namespaces/default/pods"),
      await as("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dsec-b"),
      await as("POST", "/apis/apps/v1/namespaces/default/daemonsets", {
        ...DS,
        metadata: { name: "evil", namespace: "default" },
      }),
      await as("DELETE", "/apis/apps/v1/namespaces/default/daemonsets/web"),
    ];
    for (const r of forbidden) expectStatus(r, 403, "Forbidden", /User "system:node:sec-a" cannot/);
    expect(await fingerprint()).toBe(before);
  });

  it("allows a node credential its own node and pods (200)", async () => {
    const own = await cluster.api("GET", "/api/v1/nodes/sec-a", undefined, credA);
    expect(own.status).toBe(200);
    expect(own.body.metadata.name).toBe("sec-a");
    expect((await cluster.api("GET", "/api/v1/nodes/sec-a/status", undefined, credA)).status).toBe(200);
    expect(
      (await cluster.api("GET", `/api/v1/namespaces/default/pods/${podA}`, undefined, credA)).status,
    ).toBe(200);
    const mine = await cluster.api(
      "GET",
      "/api/v1/pods?fieldSelector=spec.nodeName%3Dsec-a",
      undefined,
      credA,
    );
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((p: any) => p.metadata.name)).toEqual([podA]);
  });

  it("refuses a join token used as an API bearer (403)", async () => {
    const bearer = bearerOf(parseJoinToken(cluster.joinToken));
    expectStatus(
      await cluster.api("GET", "/api/v1/nodes", undefined, bearer),
      403,
      "Forbidden",
      /User "system:bootstrap:[a-z0-9]{6}" cannot/,
    );
    expectStatus(
      await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", DS, bearer),
      403,
      "Forbidden",
      /User "system:bootstrap:[a-z0-9]{6}" cannot/,
    );
    expect(await fingerprint()).toBe(before);
  });

  it("an agent given an http:// server refuses to start and says why; plain HTTP to the API gets no data", async () => {
    const port = new URL(cluster.server).port;
    const { logs, child } = spawnAgent(`http://127.0.0.1:${port}`, cluster.joinToken, "plain");
    try {
      await waitFor("the agent to exit", () => child.exitCode !== null, 15_000);
      expect(child.exitCode).toBe(2);
      expect(logs.join("\n")).toMatch(/only https:\/\/ is allowed \(the control plane speaks only HTTPS\)/);
    } finally {
      await stopProcess(child);
    }
    expect((await cluster.nodes()).map((n) => n.metadata.name)).not.toContain("plain");

    // A plain-HTTP request: the TLS server closes the connection without sending a byte.
    const answer = await new Promise<string>((resolve) => {
      const sock = net.connect(Number(port), "127.0.0.1", () => {
        sock.write(
          `GET /api/v1/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${cluster.adminToken}\r\n\r\n`,
        );
      });
      let data = "";
      sock.on("data", (c: Buffer) => (data += c.toString("latin1")));
      sock.on("error", () => resolve(data));
      sock.on("close", () => resolve(data));
      sock.setTimeout(10_000, () => sock.destroy());
    });
    expect(answer).toBe("");
    expect(await fingerprint()).toBe(before);
  });

  it("refuses a WebSocket to /agent/v1/connect without a node credential (401 on upgrade)", async () => {
    const url = new URL("/agent/v1/connect", cluster.server).toString().replace(/^https/, "wss");
    const upgrade = (token?: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, {
          ca: cluster.caPem,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        ws.on("unexpected-response", (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on("open", () => {
          ws.close();
          reject(new Error("the WebSocket opened"));
        });
        ws.on("error", (e) => reject(e));
      });
    expect(await upgrade()).toBe(401);
    expect(await upgrade("abcdef.0123456789abcdef")).toBe(401);
    expect(await upgrade(bearerOf(parseJoinToken(cluster.joinToken)))).toBe(401);
    expect(await upgrade(cluster.adminToken)).toBe(401);
    expect(await fingerprint()).toBe(before);
  });
});
