// A control plane's agent side on 127.0.0.1 for tests: real HTTPS with a real PKI, a real
// store in a temporary file, the registration router and the agent socket server, plus a
// fake agent that speaks the protocol over a real WebSocket.

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { WebSocket } from "ws";
import type { Node } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { systemClock } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import type { AgentMessage, AssignmentsMessage, ServerMessage } from "../../shared/protocol.js";
import { AGENT_CONNECT_PATH, decodeServerMessage } from "../../shared/protocol.js";
import { startAgentEndpoints } from "../../control-plane/agents/index.js";
import type { AgentEndpoints } from "../../control-plane/agents/index.js";
import { AgentCapabilities } from "../../control-plane/agents/agent-capabilities.js";
import { createPodTokenRouter } from "../../control-plane/agents/pod-token-router.js";
import { createAgentRouter } from "../../control-plane/agents/registration-router.js";
import type { Pki } from "../../control-plane/auth/pki.js";
import { ensurePki } from "../../control-plane/auth/pki.js";
import { ServiceAccountTokens } from "../../control-plane/auth/service-account-tokens.js";
import { TokenService } from "../../control-plane/auth/tokens.js";
import { Deleter } from "../../control-plane/deletion/deleter.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import type { NodeLiveness } from "../../control-plane/nodes/node-liveness.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";

/** Real time, except that a test can move `now()` forward (token expiry). */
export function shiftableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => systemClock.now() + offset,
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
    every: (ms, fn) => systemClock.every(ms, fn),
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** Records what the sessions told the node lifecycle. */
export class LivenessRecorder implements NodeLiveness {
  readonly heartbeats: string[] = [];
  readonly connects: string[] = [];
  readonly notReady: { nodeName: string; reason: string; message: string }[] = [];
  connected(node: Node): undefined {
    this.connects.push(node.metadata.name ?? "");
    return undefined;
  }
  heartbeat(nodeName: string): void {
    this.heartbeats.push(nodeName);
  }
  markNotReady(nodeName: string, reason: string, message: string): void {
    this.notReady.push({ nodeName, reason, message });
  }
}

export interface Harness {
  dir: string;
  port: number;
  store: Store;
  pki: Pki;
  tokens: TokenService;
  clock: ReturnType<typeof shiftableClock>;
  liveness: LivenessRecorder;
  agents: AgentEndpoints;
  /** Checks the pod tokens the pod-token endpoint issues. */
  serviceAccountTokens: ServiceAccountTokens;
  /** Deletes as the API does, knowing which connected agents report pods gone. */
  deleter: Deleter;
  request(
    method: string,
    urlPath: string,
    opts?: { token?: string; body?: unknown; raw?: string },
  ): Promise<HttpResult>;
  /** Registers a node with a fresh join token; returns its node credential. */
  register(nodeName: string, labels?: Record<string, string>): Promise<string>;
  /** Connects as an agent; `autoPong: false` makes one that never answers the server's pings. */
  connect(token: string | undefined, urlPath?: string, opts?: { autoPong?: boolean }): Promise<FakeAgent>;
  close(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

export async function startHarness(
  options: Pick<Parameters<typeof startAgentEndpoints>[0], "agentMetrics" | "pingIntervalMs" | "pace"> = {},
): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "everynode-agents-"));
  const clock = shiftableClock();
  const store = openStore({ path: path.join(dir, "everynode.db"), clock });
  const pki = await ensurePki(dir, { sans: [], clock });
  const tokens = new TokenService({ store, clock });
  const events = new EventRecorder({ store, clock, ttlMs: 3600_000 });
  const liveness = new LivenessRecorder();
  const capabilities = new AgentCapabilities();
  const deleter = new Deleter({ store, clock, events, agents: capabilities });

  const app = express();
  app.use(createAgentRouter({ tokens, store, clock, logger: silentLogger, pki, events }));
  const serviceAccountTokens = new ServiceAccountTokens({ store, clock, signingKey: randomBytes(32) });
  app.use(createPodTokenRouter({ tokens, serviceAccountTokens, store, logger: silentLogger }));
  app.use((_req, res) => {
    res.status(404).json({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      reason: "NotFound",
      code: 404,
    });
  });
  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const agents = startAgentEndpoints({
    server,
    store,
    clock,
    logger: silentLogger,
    tokens,
    liveness,
    events,
    capabilities,
    deleter,
    ...options,
  });
  const open: FakeAgent[] = [];

  const request: Harness["request"] = (method, urlPath, opts = {}) =>
    new Promise((resolve, reject) => {
      const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
      const req = https.request(
        {
          host: "127.0.0.1",
          port,
          path: urlPath,
          method,
          ca: pki.caCertPem,
          headers: {
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
            ...(payload !== undefined ? { "content-type": "application/json" } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              json: () => JSON.parse(text),
            });
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });

  return {
    dir,
    port,
    store,
    pki,
    tokens,
    clock,
    liveness,
    agents,
    serviceAccountTokens,
    deleter,
    request,
    register: async (nodeName, labels = {}) => {
      const res = await request("POST", "/agent/v1/register", {
        token: tokens.createJoinToken({}).bearer,
        body: { nodeName, labels, taints: [], nodeSecret: randomBytes(32).toString("base64url") },
      });
      if (res.status !== 200) throw new Error(`register failed: ${res.status} ${res.text}`);
      return (res.json() as { token: string }).token;
    },
    connect: async (token, urlPath = AGENT_CONNECT_PATH, opts = {}) => {
      const agent = await FakeAgent.connect(`wss://127.0.0.1:${port}${urlPath}`, token, pki.caCertPem, opts);
      open.push(agent);
      return agent;
    },
    close: async () => {
      for (const a of open) a.ws.terminate();
      await agents.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What a refused upgrade answered. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number | undefined) {
    super(`upgrade refused: ${status ?? "socket closed"}`);
  }
}

/** An agent's side of the socket, keeping every message the server sent. */
export class FakeAgent {
  private readonly queue: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Pings the server sent. */
  pings = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on("ping", () => this.pings++);
    ws.on("message", (data: Buffer) => {
      this.queue.push(decodeServerMessage(data));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static connect(
    url: string,
    token: string | undefined,
    ca: string,
    opts: { autoPong?: boolean } = {},
  ): Promise<FakeAgent> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        ca,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        autoPong: opts.autoPong ?? true,
      });
      ws.once("unexpected-response", (_req, res) => {
        reject(new UpgradeRefused(res.statusCode));
        ws.terminate();
      });
      ws.once("error", () => reject(new UpgradeRefused(undefined)));
      ws.once("open", () => resolve(new FakeAgent(ws)));
    });
  }

  send(message: AgentMessage | Record<string, unknown> | string): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** How many messages of this type came and were not taken by next(). */
  waiting(type: ServerMessage["type"]): number {
    return this.queue.filter((m) => m.type === type).length;
  }

  /** The next message of this type (earlier ones of other types stay queued). */
  async next<T extends ServerMessage["type"]>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    for (;;) {
      const i = this.queue.findIndex((m) => m.type === type);
      if (i >= 0) return this.queue.splice(i, 1)[0] as Extract<ServerMessage, { type: T }>;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The next assignment set that satisfies `ok`, skipping older ones. */
  async setWhere(ok: (set: AssignmentsMessage) => boolean): Promise<AssignmentsMessage> {
    for (;;) {
      const set = await this.next("assignments");
      if (ok(set)) return set;
    }
  }

  /** Messages of this type received so far and not yet taken. */
  pending(type: ServerMessage["type"]): ServerMessage[] {
    return this.queue.filter((m) => m.type === type);
  }
}

/** A hello as an agent sends it, with the capabilities it announces (none by default). */
export function hello(nodeName: string, address = "10.0.0.1", capabilities?: string[]): AgentMessage {
  return {
    v: 1,
    type: "hello",
    nodeName,
    appliedRevision: 0,
    ...(capabilities ? { capabilities } : {}),
    node: {
      addresses: [
        { type: "InternalIP", address },
        { type: "Hostname", address: nodeName },
      ],
      capacity: { cpu: "2", memory: "2Gi", pods: "110" },
      allocatable: { cpu: "2", memory: "2Gi", pods: "110" },
      nodeInfo: {
        machineID: "m",
        systemUUID: "s",
        bootID: "b",
        kernelVersion: "6.1",
        osImage: "test",
        containerRuntimeVersion: "docker://27.0.0",
        kubeletVersion: "v1.32.4",
        kubeProxyVersion: "",
        operatingSystem: "linux",
        architecture: "amd64",
      },
    },
  };
}
