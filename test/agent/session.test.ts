// The agent's join and session against a fake control plane (real HTTPS, real WebSocket,
// pinned CA), with an in-memory runtime and a fake clock for the back-off.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../agent/agent.js";
import { joinOnce, joinWithRetry } from "../../agent/session/join.js";
import type { Pod } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import { caHashOf } from "../../shared/join-token.js";
import { createLogger, type Logger } from "../../shared/logger.js";
import type { AgentMessage } from "../../shared/protocol.js";
import { FakeClock, flush } from "../helpers/fake-clock.js";
import { FakeControlPlane, makePki, NODE_TOKEN, type AgentConn } from "./helpers/fake-control-plane.js";
import { FakeRuntime } from "./helpers/fake-runtime.js";

const pki = makePki();
let cp: FakeControlPlane;
const dirs: string[] = [];

function pod(uid: string): Pod {
  return {
    metadata: { name: `web-${uid}`, namespace: "default", uid },
    spec: { nodeName: "node-a", containers: [{ name: "web", image: "everynode/web:test" }] },
  };
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: "debug", write: (l) => lines.push(l) }), lines };
}

async function tmpDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-agent-"));
  dirs.push(d);
  return d;
}

function ofType<T extends AgentMessage["type"]>(
  c: AgentConn | undefined,
  t: T,
): Extract<AgentMessage, { type: T }>[] {
  return (c?.received ?? []).filter((m): m is Extract<AgentMessage, { type: T }> => m.type === t);
}

async function startAgent(opts: { token?: string; dataDir?: string } = {}) {
  const clock = new FakeClock(Date.now());
  const runtime = new FakeRuntime(clock);
  const { logger, lines } = capture();
  const dataDir = opts.dataDir ?? (await tmpDir());
  const agent = new Agent(
    {
      server: cp.url,
      joinToken: opts.token ?? cp.joinToken(),
      nodeName: "node-a",
      dataDir,
      nodeIP: "127.0.0.1",
      labels: { zone: "a" },
    },
    { runtime, clock, logger, random: () => 0 },
  );
  await agent.start();
  return { agent, clock, runtime, lines, dataDir };
}

beforeAll(async () => {
  cp = new FakeControlPlane(pki);
  await cp.start();
});
afterEach(() => {
  cp.registers.length = 0;
  cp.conns.length = 0;
  cp.acceptCredential = true;
  cp.onHello = (_c, h) => [{ v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 }];
});
afterAll(async () => {
  await cp.stop();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe("joining", () => {
  it("a good token registers, stores the credential (0600) and connects with it", async () => {
    const { agent, dataDir, lines } = await startAgent();
    await cp.until(() => ofType(cp.last, "hello").length === 1);
    expect(cp.registers).toHaveLength(1);
    expect(cp.registers[0]!.body).toMatchObject({
      nodeName: "node-a",
      labels: { zone: "a", "kubernetes.io/hostname": "node-a", "kubernetes.io/os": "linux" },
      taints: [],
    });
    const file = path.join(dataDir, "node-credential.json");
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(file, "utf8"))).toEqual({
      server: cp.url,
      caPem: pki.caPem,
      nodeName: "node-a",
      token: NODE_TOKEN,
      sentNodeSecret: true,
    });
    expect(cp.last!.bearer).toBe(NODE_TOKEN);
    const hello = ofType(cp.last, "hello")[0]!;
    expect(hello).toMatchObject({ nodeName: "node-a", appliedRevision: 0 });
    expect(hello.node.nodeInfo.containerRuntimeVersion).toBe("docker://20.10.24-fake");
    expect(hello.node.addresses).toContainEqual({ type: "InternalIP", address: "127.0.0.1" });
    expect(lines.some((l) => l.includes("joined as node node-a"))).toBe(true);
    await agent.stop({ leave: false });
    expect(ofType(cp.last, "goodbye")).toHaveLength(1);
  });

  it("a later start reuses the stored credential without registering", async () => {
    const dataDir = await tmpDir();
    const first = await startAgent({ dataDir });
    await cp.until(() => ofType(cp.last, "hello").length === 1);
    await first.agent.stop({ leave: false });
    cp.registers.length = 0;
    const second = await startAgent({ dataDir });
    await cp.until(() => ofType(cp.last, "hello").length === 1 && cp.conns.length === 2);
    expect(cp.registers).toHaveLength(0);
    await second.agent.stop({ leave: false });
  });

  it("a wrong CA hash is refused with TlsPinMismatch and nothing reaches the register endpoint", async () => {
    const wrong = cp.joinToken("f".repeat(64));
    const err = await joinOnce({
      server: cp.url,
      joinToken: wrong,
      request: { nodeName: "x", labels: {}, taints: [] },
      dataDir: await tmpDir(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EverynodeError);
    expect((err as EverynodeError).code).toBe("TlsPinMismatch");
    expect((err as EverynodeError).message).toMatch(/join token pins f{64}/);
    expect(cp.registers).toHaveLength(0);
  });

  it("joins on one connection and one request when the server sends its CA after its certificate", async () => {
    const chained = new FakeControlPlane(pki, { caInChain: true });
    await chained.start();
    try {
      const dataDir = await tmpDir();
      const credential = await joinOnce({
        server: chained.url,
        joinToken: chained.joinToken(),
        request: { nodeName: "node-one", labels: {}, taints: [] },
        dataDir,
      });
      expect(chained.registers).toHaveLength(1);
      expect(chained.caFetches).toBe(0);
      expect(chained.tlsConnections).toBe(1);
      expect(credential).toMatchObject({ nodeName: "node-one", token: NODE_TOKEN });
      expect(caHashOf(credential.caPem)).toBe(caHashOf(pki.caPem));
      // The stored credential's CA verifies the server on the next connection.
      const stored = JSON.parse(await fs.readFile(path.join(dataDir, "node-credential.json"), "utf8"));
      expect(caHashOf(stored.caPem)).toBe(caHashOf(pki.caPem));
    } finally {
      await chained.stop();
    }
  });

  it("resumes TLS when it reconnects, never the join's (pin-checked) session; a server that forgot it gets a full, verified handshake", async () => {
    const chained = new FakeControlPlane(pki, { caInChain: true });
    await chained.start();
    const clock = new FakeClock(Date.now());
    const log = capture();
    const agent = new Agent(
      {
        server: chained.url,
        joinToken: chained.joinToken(),
        nodeName: "node-r",
        dataDir: await tmpDir(),
        nodeIP: "127.0.0.1",
        labels: {},
      },
      { runtime: new FakeRuntime(clock), clock, logger: log.logger, random: () => 0 },
    );
    try {
      await agent.start();
      await chained.until(() => ofType(chained.last, "hello").length === 1);
      // The join's connection, then the WebSocket: both full handshakes.
      expect([chained.tlsConnections, chained.resumedConnections]).toEqual([2, 0]);
      chained.last!.ws.close(1001, "restarting");
      await chained.until(() => clock.pendingSleeps > 0);
      await clock.advance(100);
      await chained.until(() => chained.conns.length === 2 && ofType(chained.last, "hello").length === 1);
      expect([chained.tlsConnections, chained.resumedConnections]).toEqual([3, 1]);
      chained.forgetSessions();
      chained.last!.ws.close(1001, "restarting");
      await chained.until(() => clock.pendingSleeps > 0);
      await clock.advance(200);
      await chained.until(() => chained.conns.length === 3 && ofType(chained.last, "hello").length === 1);
      expect([chained.tlsConnections, chained.resumedConnections]).toEqual([4, 1]);
      expect(log.lines.join("\n")).not.toMatch(/certificate|TlsPinMismatch/);
    } finally {
      await agent.stop({ leave: false });
      await chained.stop();
    }
  });

  it("fetches the CA first from a server that sends only its own certificate", async () => {
    cp.tlsConnections = 0;
    cp.caFetches = 0;
    await joinOnce({
      server: cp.url,
      joinToken: cp.joinToken(),
      request: { nodeName: "node-two", labels: {}, taints: [] },
      dataDir: await tmpDir(),
    });
    expect(cp.registers).toHaveLength(1);
    expect(cp.caFetches).toBe(1);
    expect(cp.tlsConnections).toBe(2);
  });

  it("sends nothing to a server whose chain lacks the pinned CA and whose CA does not match the pin", async () => {
    const chained = new FakeControlPlane(pki, { caInChain: true });
    await chained.start();
    try {
      const err = await joinOnce({
        server: chained.url,
        joinToken: chained.joinToken("e".repeat(64)),
        request: { nodeName: "x", labels: {}, taints: [] },
        dataDir: await tmpDir(),
      }).catch((e: unknown) => e);
      expect((err as EverynodeError).code).toBe("TlsPinMismatch");
      expect(chained.registers).toHaveLength(0);
    } finally {
      await chained.stop();
    }
  });

  it("retries a pin mismatch with back-off, with a log line each time", async () => {
    const clock = new FakeClock();
    const { logger, lines } = capture();
    const ac = new AbortController();
    const p = joinWithRetry({
      server: cp.url,
      joinToken: cp.joinToken("e".repeat(64)),
      request: { nodeName: "x", labels: {}, taints: [] },
      dataDir: await tmpDir(),
      clock,
      logger,
      random: () => 0,
      signal: ac.signal,
    }).catch((e: unknown) => e);
    await cp.until(() => clock.pendingSleeps === 1);
    expect(
      lines.filter((l) => l.includes("join failed; retrying in 0.1s") && l.includes("TlsPinMismatch")),
    ).toHaveLength(1);
    await clock.advance(100);
    await cp.until(() => lines.filter((l) => l.includes("join failed")).length === 2);
    expect(lines.some((l) => l.includes("retrying in 0.2s"))).toBe(true);
    ac.abort();
    await p;
    expect(cp.registers).toHaveLength(0);
  });

  it("close code 4001 or a 401 on connect makes the agent register again", async () => {
    const { agent, clock } = await startAgent();
    await cp.until(() => ofType(cp.last, "hello").length === 1);
    expect(cp.registers).toHaveLength(1);
    cp.last!.ws.close(4001, "credential revoked");
    await cp.until(() => cp.registers.length === 2 && clock.pendingSleeps > 0);
    await clock.advance(100);
    await cp.until(() => cp.conns.length === 2 && ofType(cp.last, "hello").length === 1);

    cp.acceptCredential = false;
    cp.last!.ws.close(1001, "restarting");
    await cp.until(() => clock.pendingSleeps > 0);
    await clock.advance(100);
    await cp.until(() => cp.registers.length === 3);
    cp.acceptCredential = true;
    await cp.until(() => clock.pendingSleeps > 0);
    await clock.advance(1000);
    await cp.until(() => cp.conns.length === 3 && ofType(cp.last, "hello").length === 1);
    await agent.stop({ leave: false });
  });
});

describe("the session", () => {
  it("applies assignments, reports statuses (acked), ignores an older revision", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 5, pods: [pod("u1")] },
    ];
    const { agent, clock, runtime, lines } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    await agent.currentWorker!.settle();
    await clock.advance(200);
    await cp.until(() =>
      ofType(cp.last, "podStatus").some((m) => m.statuses.some((s) => s.status.phase === "Running")),
    );
    expect(lines.some((l) => l.includes("assignments revision 5 (1 pods)"))).toBe(true);

    cp.send(cp.last!, { v: 1, type: "assignments", revision: 3, pods: [] });
    await cp.until(() => lines.some((l) => l.includes("ignoring an older assignment set")));
    await agent.currentWorker!.settle();
    expect(runtime.ofNode("node-a").filter((c) => c.state === "running")).toHaveLength(1);
    expect(agent.currentWorker!.appliedRevision).toBe(5);

    await clock.advance(10_000);
    await cp.until(() => ofType(cp.last, "heartbeat").length >= 1);
    await agent.stop({ leave: false });
    // Stopping without leaving keeps the containers.
    expect(runtime.ofNode("node-a").filter((c) => c.state === "running")).toHaveLength(1);
  });

  it("announces pace and heartbeats at the interval a pace message gives", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 1, pods: [] },
    ];
    const { agent, clock, lines } = await startAgent();
    // The set follows the welcome: once it is taken, the heartbeat's timer runs.
    await cp.until(() => lines.some((l) => l.includes("assignments revision 1")));
    expect(ofType(cp.last, "hello")[0]!.capabilities).toContain("pace");
    const beats = () => ofType(cp.last, "heartbeat").length;
    await clock.advance(10_000);
    await cp.until(() => beats() === 1);

    cp.send(cp.last!, { v: 1, type: "pace", heartbeatIntervalSeconds: 30 });
    await cp.until(() => lines.some((l) => l.includes("heartbeat interval now 30s")));
    await clock.advance(20_000);
    await flush();
    expect(beats(), "a heartbeat at the old interval after the new one was given").toBe(1);
    await clock.advance(10_000);
    await cp.until(() => beats() === 2);
    await clock.advance(30_000);
    await cp.until(() => beats() === 3);
    await agent.stop({ leave: false });
  });

  it("reconnects with back-off after the server closes, then says hello with the applied revision", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 7, pods: [pod("u1")] },
    ];
    const { agent, clock, lines } = await startAgent();
    await cp.until(() => agent.currentWorker?.appliedRevision === 7);
    cp.last!.ws.close(1001, "restarting");
    await cp.until(() => clock.pendingSleeps > 0 && lines.some((l) => l.includes("reconnecting in 0.1s")));
    expect(lines.find((l) => l.includes("reconnecting in"))).toMatch(/server is shutting down/);
    expect(cp.conns).toHaveLength(1);
    await clock.advance(100);
    await cp.until(() => cp.conns.length === 2 && ofType(cp.last, "hello").length === 1);
    expect(ofType(cp.last, "hello")[0]!.appliedRevision).toBe(7);
    await agent.stop({ leave: false });
  });

  it("a malformed server message closes the socket with 4000 and changes nothing", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 2, pods: [pod("u1")] },
    ];
    const { agent, runtime, lines } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    const conn = cp.last!;
    cp.send(conn, JSON.stringify({ v: 1, type: "assignments", revision: 9, pods: "all of them" }));
    await cp.until(() => conn.closed !== undefined);
    expect(conn.closed!.code).toBe(4000);
    expect(lines.some((l) => l.includes("malformed message"))).toBe(true);
    await agent.currentWorker!.settle();
    expect(agent.currentWorker!.appliedRevision).toBe(2);
    expect(runtime.ofNode("node-a").filter((c) => c.state === "running")).toHaveLength(1);
    await agent.stop({ leave: false });
  });

  it("node deleted (4003): removes its containers and registers again", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 2, pods: [pod("u1")] },
    ];
    const { agent, runtime } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    cp.onHello = (_c, h) => [{ v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 }];
    cp.last!.ws.close(4003, "node deleted");
    await cp.until(() => runtime.ofNode("node-a").length === 0 && cp.registers.length === 2);
    await agent.stop({ leave: false });
  });

  it("streams logs for a logRequest and answers NotFound for an unknown container", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 2, pods: [pod("u1")] },
    ];
    const { agent, runtime } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    const base = {
      v: 1,
      type: "logRequest",
      namespace: "default",
      podName: "web-u1",
      podUid: "u1",
      follow: false,
      timestamps: false,
      previous: false,
    } as const;
    cp.send(cp.last!, { ...base, requestId: "r1", container: "web" });
    cp.send(cp.last!, { ...base, requestId: "r2", container: "nope" });
    await cp.until(() => ofType(cp.last, "logEnd").length === 2);
    const data = ofType(cp.last, "logData").filter((m) => m.requestId === "r1");
    expect(Buffer.from(data.map((d) => d.data).join(""), "base64").toString()).toMatch(/^log of fake/);
    const ends = ofType(cp.last, "logEnd");
    expect(ends.find((e) => e.requestId === "r1")?.error).toBeUndefined();
    expect(ends.find((e) => e.requestId === "r2")?.error?.code).toBe("NotFound");
    await agent.stop({ leave: false });
  });

  it("leave removes the node's containers, deletes the node and the credential", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 2, pods: [pod("u1")] },
    ];
    const { agent, runtime, dataDir } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    await agent.stop({ leave: true });
    await flush();
    expect(runtime.allOf("node-a")).toHaveLength(0);
    expect(cp.deletes).toContain("node-a");
    await expect(fs.stat(path.join(dataDir, "node-credential.json"))).rejects.toThrow();
  });
});
