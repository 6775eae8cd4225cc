// A control plane as `everynode server` assembles it, minus the controllers: the HTTPS API
// (with agent registration) and the agent WebSockets on one server, over a real SQLite file
// and a real PKI, with real tokens and a logger whose lines the test reads. Agents are the
// fake ones of test/agents/harness.ts, speaking the protocol over a real WebSocket.

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createLogger } from "../../shared/logger.js";
import {
  startAgentEndpoints,
  type AgentEndpoints,
  type AgentEndpointsDeps,
} from "../../control-plane/agents/index.js";
import { createAgentRouter } from "../../control-plane/agents/registration-router.js";
import { buildApiApp } from "../../control-plane/api/app.js";
import { ensurePki, type Pki } from "../../control-plane/auth/pki.js";
import { TokenService } from "../../control-plane/auth/tokens.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { FakeAgent, LivenessRecorder, shiftableClock } from "../agents/harness.js";

/** kubectl's Accept header for `get`. */
export const TABLE_ACCEPT =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

export interface Reply {
  status: number;
  text: string;
  json: any;
}

export interface ControlPlane {
  port: number;
  store: Store;
  pki: Pki;
  tokens: TokenService;
  adminToken: string;
  /** Every log line the control plane wrote. */
  lines: string[];
  request(
    method: string,
    urlPath: string,
    opts?: { token?: string; body?: unknown; accept?: string },
  ): Promise<Reply>;
  /** Registers a node with a fresh join token; returns its node credential. */
  register(nodeName: string): Promise<string>;
  connect(token: string): Promise<FakeAgent>;
  close(): Promise<void>;
}

export async function startControlPlane(
  options: Pick<AgentEndpointsDeps, "statusWarningIntervalMs" | "limits"> = {},
): Promise<ControlPlane> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "everynode-security-"));
  const clock = shiftableClock();
  const lines: string[] = [];
  const logger = createLogger({ level: "info", write: (line) => lines.push(line) });
  const store = openStore({ path: path.join(dir, "everynode.db"), clock });
  const pki = await ensurePki(dir, { sans: [], clock });
  const tokens = new TokenService({ store, clock });
  const adminToken = tokens.ensureAdminToken();
  const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });

  // The log relay needs the server, which needs the app: a forwarder breaks the cycle.
  const relay: { current?: AgentEndpoints } = {};
  const app = buildApiApp({
    store,
    clock,
    logger,
    events,
    authenticator: tokens,
    logs: {
      stream: (pod, o, sink, signal) =>
        relay.current
          ? relay.current.logs.stream(pod, o, sink, signal)
          : Promise.reject(new Error("the agent endpoints are not started")),
    },
    routers: [createAgentRouter({ tokens, store, clock, logger, pki, events })],
  });
  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  relay.current = startAgentEndpoints({
    server,
    store,
    clock,
    logger,
    tokens,
    liveness: new LivenessRecorder(),
    events,
    ...options,
  });
  const agents: FakeAgent[] = [];

  const request: ControlPlane["request"] = (method, urlPath, opts = {}) =>
    new Promise((resolve, reject) => {
      const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      const req = https.request(
        {
          host: "127.0.0.1",
          port,
          path: urlPath,
          method,
          ca: pki.caCertPem,
          headers: {
            authorization: `Bearer ${opts.token ?? adminToken}`,
            ...(opts.accept ? { accept: opts.accept } : {}),
            ...(payload !== undefined ? { "content-type": "application/json" } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, text, json });
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });

  return {
    port,
    store,
    pki,
    tokens,
    adminToken,
    lines,
    request,
    register: async (nodeName) => {
      const res = await request("POST", "/agent/v1/register", {
        token: tokens.createJoinToken({}).bearer,
        body: { nodeName, labels: {}, taints: [], nodeSecret: randomBytes(32).toString("base64url") },
      });
      if (res.status !== 200) throw new Error(`register failed: ${res.status} ${res.text}`);
      return (res.json as { token: string }).token;
    },
    connect: async (token) => {
      const agent = await FakeAgent.connect(`wss://127.0.0.1:${port}/agent/v1/connect`, token, pki.caCertPem);
      agents.push(agent);
      return agent;
    },
    close: async () => {
      for (const a of agents) a.ws.terminate();
      await relay.current?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
