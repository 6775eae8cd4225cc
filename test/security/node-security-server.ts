// An everynode server for the node-identity attacks, started in this process by the real
// composition root (startServer) on 127.0.0.1 with its own data dir and no agent of its own:
// real HTTPS, real tokens, the real registration router and agent WebSockets. Agents join
// with the agent's own join code, so they send their node secrets as a real agent does.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import type { RunningServer } from "../../control-plane/main.js";
import { startServer } from "../../control-plane/main.js";
import { parseServerArgs } from "../../control-plane/config.js";
import { joinOnce } from "../../agent/session/join.js";
import type { NodeCredential } from "../../agent/session/credential-store.js";
import { silentLogger } from "../../shared/logger.js";
import { AGENT_CONNECT_PATH } from "../../shared/protocol.js";
import { ClusterClient } from "../helpers/cluster.js";
import { FakeAgent, hello } from "../agents/harness.js";

export interface NodeSecurityServer {
  client: ClusterClient;
  dataDir: string;
  joinToken: string;
  /** Joins as `nodeName` with the agent's code, from its own data dir under this server's. */
  join(nodeName: string, agentDir: string, labels?: Record<string, string>): Promise<NodeCredential>;
  /** A data dir for an agent, removed with the server's. */
  agentDir(name: string): string;
  /** Opens an agent WebSocket with a node credential and says hello; resolves once welcomed. */
  connect(credential: NodeCredential): Promise<FakeAgent>;
  /** GET ...?watch=1 as `token`: the status and, for a 200, the events as they come. */
  watch(urlPath: string, token: string): Promise<WatchStream>;
  stop(): Promise<void>;
}

export interface WatchStream {
  status: number;
  /** The body of a refused watch, or the events so far (one JSON object per line). */
  body: any;
  events: { type: string; object: any }[];
  /** Waits (real time) until an event satisfies `pred`; returns it. */
  until(
    pred: (e: { type: string; object: any }) => boolean,
    timeoutMs?: number,
  ): Promise<{ type: string; object: any }>;
  close(): void;
}

export async function startNodeSecurityServer(): Promise<NodeSecurityServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "everynode-node-security-"));
  const serverDir = path.join(dataDir, "server");
  const { config } = parseServerArgs(["--data-dir", serverDir, "--listen", "127.0.0.1:0", "--no-agent"]);
  const running: RunningServer = await startServer(config, silentLogger);
  const client = new ClusterClient(dataDir);
  client.loadKubeconfig(path.join(serverDir, "kubeconfig.yaml"));
  const joinToken = (await readFile(path.join(serverDir, "join-token"), "utf8")).trim();
  const open: FakeAgent[] = [];
  const streams: WatchStream[] = [];

  return {
    client,
    dataDir,
    joinToken,
    agentDir: (name) => path.join(dataDir, "agents", name),
    join: (nodeName, agentDir, labels = {}) =>
      joinOnce({
        server: client.server,
        joinToken,
        dataDir: agentDir,
        request: { nodeName, labels, taints: [] },
      }),
    connect: async (credential) => {
      const url = new URL(AGENT_CONNECT_PATH, credential.server).toString().replace(/^https/, "wss");
      const agent = await FakeAgent.connect(url, credential.token, credential.caPem);
      open.push(agent);
      agent.send(hello(credential.nodeName));
      await agent.next("welcome");
      return agent;
    },
    watch: async (urlPath, token) => {
      const stream = await openWatch(new URL(urlPath, client.server), client.caPem, token);
      streams.push(stream);
      return stream;
    },
    stop: async () => {
      for (const s of streams) s.close();
      for (const a of open) a.ws.terminate();
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function openWatch(url: URL, ca: string, token: string): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const events: { type: string; object: any }[] = [];
      const waiters: (() => void)[] = [];
      let buffered = "";
      const stream: WatchStream = {
        status: res.statusCode ?? 0,
        body: undefined,
        events,
        until: async (pred, timeoutMs = 10_000) => {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const found = events.find(pred);
            if (found) return found;
            if (Date.now() > deadline) throw new Error(`no such watch event in ${JSON.stringify(events)}`);
            await new Promise<void>((r) => {
              waiters.push(r);
              setTimeout(r, 100);
            });
          }
        },
        close: () => req.destroy(),
      };
      res.setEncoding("utf8");
      if (stream.status !== 200) {
        // A refusal: one Status body, then the end.
        res.on("data", (chunk: string) => (buffered += chunk));
        res.on("end", () => {
          stream.body = JSON.parse(buffered) as unknown;
          resolve(stream);
        });
        return;
      }
      res.on("data", (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) events.push(JSON.parse(line) as { type: string; object: any });
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on("error", () => {});
      resolve(stream);
    });
    req.on("error", reject);
    req.end();
  });
}
