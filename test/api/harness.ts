// Starts everynode's API over real HTTP on 127.0.0.1 with a real SQLite store in a temporary
// directory, fixed tokens, a fake clock and a log streamer that writes known lines.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import type { LogSink, PodLogOptions, PodLogStreamer } from "../../control-plane/api/pod-log-streamer.js";
import { buildApiApp } from "../../control-plane/api/app.js";
import { firstOf, type Authenticator, type Principal } from "../../control-plane/auth/principal.js";
import { ServiceAccountTokens } from "../../control-plane/auth/service-account-tokens.js";
import { ServiceAccountController } from "../../control-plane/controller/service-accounts.js";
import { Deleter } from "../../control-plane/deletion/deleter.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { FakeClock } from "../helpers/fake-clock.js";

const execFileAsync = promisify(execFile);

export const TOKENS = {
  admin: "admin-token",
  nodeA: "node-a-token",
  nodeB: "node-b-token",
  join: "join-token",
};

const PRINCIPALS: Record<string, Principal> = {
  [TOKENS.admin]: { kind: "admin", name: "admin" },
  [TOKENS.nodeA]: { kind: "node", nodeName: "node-a", credentialId: "cred-a" },
  [TOKENS.nodeB]: { kind: "node", nodeName: "node-b", credentialId: "cred-b" },
  [TOKENS.join]: { kind: "join", tokenId: "abcdef" },
};

export const stubAuthenticator: Authenticator = {
  authenticate: (token) => (token === undefined ? undefined : PRINCIPALS[token]),
};

/** A log streamer that writes two known lines, then (when following) waits for the abort. */
export class StubLogs implements PodLogStreamer {
  calls: { pod: string; options: PodLogOptions }[] = [];
  fail?: Error;
  async stream(pod: Pod, options: PodLogOptions, sink: LogSink, signal: AbortSignal): Promise<void> {
    this.calls.push({ pod: pod.metadata.name ?? "", options });
    if (this.fail) throw this.fail;
    sink.write(Buffer.from(`${options.container} line 1\n`));
    sink.write(Buffer.from(`${options.container} line 2\n`));
    if (options.follow) {
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    }
  }
}

export interface ApiHarness {
  url: string;
  port: number;
  store: Store;
  clock: FakeClock;
  logs: StubLogs;
  /** The API's deleter (what an agent's "gone" report calls). */
  deleter: Deleter;
  serviceAccountTokens: ServiceAccountTokens;
  serviceAccounts: ServiceAccountController;
  dbPath: string;
  /** Stops the server and closes the store (keeps the file). */
  stop(): Promise<void>;
  /** stop() and remove the data directory. */
  close(): Promise<void>;
}

/** Starts the API; pass `dbPath` to reopen an earlier store file. */
export async function startApi(
  options: {
    dbPath?: string;
    maxBodyBytes?: number;
    watchBookmarkIntervalMs?: number;
    clock?: FakeClock;
    /** Serve HTTPS with this key and certificate (kubectl sends tokens only over TLS). */
    tls?: { key: string; cert: string };
    /** Nodes whose (pretend) agents report pods gone: their pods are deleted gracefully. */
    gracefulNodes?: string[];
    /** Run the ServiceAccount controller (a default account in every namespace). */
    serviceAccounts?: boolean;
  } = {},
): Promise<ApiHarness> {
  const dir = options.dbPath
    ? path.dirname(options.dbPath)
    : mkdtempSync(path.join(tmpdir(), "everynode-api-"));
  const dbPath = options.dbPath ?? path.join(dir, "everynode.db");
  const clock = options.clock ?? new FakeClock();
  // Secrets encrypted as the server stores them, with a key derived from the directory (a
  // reopened file reads with the same one).
  const key = { id: "test-key", secret: createHash("sha256").update(dir).digest() };
  const store = openStore({ path: dbPath, clock, encryption: { keys: [key] } });
  const logs = new StubLogs();
  const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
  const graceful = new Set(options.gracefulNodes ?? []);
  const serviceAccountTokens = new ServiceAccountTokens({ store, clock, signingKey: key.secret });
  const deps: Parameters<typeof buildApiApp>[0] = {
    store,
    clock,
    logger: silentLogger,
    events,
    authenticator: firstOf(stubAuthenticator, serviceAccountTokens),
    serviceAccountTokens,
    logs,
    deleter: new Deleter({ store, clock, events, agents: { gracefulDeletion: (n) => graceful.has(n) } }),
  };
  const deleter = deps.deleter as Deleter;
  if (options.maxBodyBytes !== undefined) deps.maxBodyBytes = options.maxBodyBytes;
  if (options.watchBookmarkIntervalMs !== undefined)
    deps.watchBookmarkIntervalMs = options.watchBookmarkIntervalMs;
  const app = buildApiApp(deps);
  const serviceAccounts = new ServiceAccountController({
    store,
    logger: silentLogger,
    tokens: serviceAccountTokens,
    caPem: "test CA\n",
  });
  if (options.serviceAccounts) serviceAccounts.start();
  const server = options.tls ? https.createServer(options.tls, app) : http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    serviceAccounts.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
  };
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    store,
    clock,
    logs,
    deleter,
    serviceAccountTokens,
    serviceAccounts,
    dbPath,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;

  json: any;
}

/** One HTTP request; `body` objects are sent as JSON unless a string is given. */
export async function call(
  h: { url: string },
  method: string,
  urlPath: string,
  options: { token?: string | null; body?: unknown; contentType?: string; accept?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? TOKENS.admin : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.accept) headers.accept = options.accept;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] = options.contentType ?? "application/json";
  }
  const { status, responseHeaders, text } = await rawRequest(h.url + urlPath, method, headers, body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers: responseHeaders, text, json };
}

// node:http rather than fetch: the kubectl test serves a self-signed certificate.
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; responseHeaders: Headers; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith("https:") ? https.request : http.request;
    // Node sends DELETE bodies neither chunked nor sized unless told the length.
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    const req = send(url, { method, headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) responseHeaders.append(k, one);
        }
        resolve({
          status: res.statusCode ?? 0,
          responseHeaders,
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The tutorial's DaemonSet, optionally with another image. */
export function tutorialDaemonSet(name = "nginx", image = "nginx"): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image, ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** A node as an agent would register it. */
export function nodeObject(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    spec: {},
    status: {
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "ready" }],
      addresses: [{ type: "InternalIP", address: "10.0.0.1" }],
      capacity: { cpu: "2", memory: "2Gi", pods: "110" },
    },
  };
}

/** Puts a pod bound to a node straight into the store (the API refuses pod creation). */
export function seedPod(
  store: Store,
  name: string,
  node: string,
  namespace = "default",
  labels = { app: "nginx" },
): Pod {
  return store.create<Pod>("pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels },
    spec: { nodeName: node, containers: [{ name: "nginx", image: "nginx" }] },
    status: { phase: "Running", podIP: "10.244.0.5" },
  });
}

/** A kubeconfig for kubectl against a harness served over HTTPS with a self-signed certificate. */
export function insecureKubeconfig(port: number, token: string = TOKENS.admin): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: everynode",
    "  cluster:",
    `    server: https://127.0.0.1:${port}`,
    "    insecure-skip-tls-verify: true",
    "users:",
    "- name: admin",
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: everynode",
    "  context: {cluster: everynode, user: admin}",
    "current-context: everynode",
    "",
  ].join("\n");
}

/**
 * Runs a kubectl binary with its own kubeconfig and a cache under `home` (a fresh discovery
 * cache, so that discovery and OpenAPI are exercised); the output, or an error with it.
 */
export function kubectlRunner(
  binary: string,
  kubeconfig: string,
  home: () => string,
  cwd?: string,
): (...args: string[]) => Promise<string> {
  return async (...args) => {
    try {
      const { stdout, stderr } = await execFileAsync(
        binary,
        [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(home(), "cache")}`, ...args],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home() }, timeout: 60_000, cwd },
      );
      return stdout + stderr;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `kubectl ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`,
      );
    }
  };
}
