// The agent's join against a fake control plane (real HTTPS, real WebSocket, pinned CA): the
// join token's pin, one connection per join, the stored credential, TLS resumption, and
// registering again when the credential is refused.

import { promises as fs } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../agent/agent.js";
import { joinOnce, joinWithRetry } from "../../agent/session/join.js";
import { EverynodeError } from "../../shared/errors.js";
import { caHashOf } from "../../shared/join-token.js";
import { FakeClock } from "../helpers/fake-clock.js";
import { FakeControlPlane, NODE_TOKEN } from "./helpers/fake-control-plane.js";
import { FakeRuntime } from "./helpers/fake-runtime.js";
import { capture, ofType, sessionHarness } from "./helpers/session-harness.js";

const h = sessionHarness();
const { pki, tmpDir, startAgent } = h;
let cp: FakeControlPlane;
beforeAll(() => {
  cp = h.cp;
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
