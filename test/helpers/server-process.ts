// One `everynode server --no-agent` as a child process for the security tests: real HTTPS,
// real PKI, real tokens and registration, no Docker. The event-loop probe rides along over an
// IPC channel, so a test can ask what the server's own loop and heap did; the server's log
// output is counted (log amplification) and kept (for failure messages). A server killed by
// a request (out of memory) is noticed, and a test can start another one.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { bearerOf, parseJoinToken } from "../../shared/join-token.js";
import { ClusterClient, EVERYNODE_BIN, REPO_ROOT, waitFor } from "./cluster.js";

const PROBE = path.join(REPO_ROOT, "test/helpers/event-loop-probe.mjs");

export interface LoopStats {
  maxDelayMs: number;
  cpuMs: number;
  gcMaxMs: number;
  gcTotalMs: number;
  heapUsedMb: number;
  rssMb: number;
}

export interface SendOptions {
  /** Bearer token; null sends none. Default: the admin token. */
  token?: string | null;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  /** Give up (status 0, `timedOut`) after this long. */
  timeoutMs?: number;
  /** Resolve as soon as the status line arrives, then drop the connection (watches, follows). */
  headersOnly?: boolean;
}

export interface Answer {
  /** 0 when no answer came (connection reset, timeout). */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
  timedOut: boolean;
  error?: string;
}

export interface ServerProcessOptions {
  /** Extra `everynode server` flags. */
  args?: string[];
  /** The server's V8 heap limit: a request that blows it kills the server, not the test. */
  maxOldSpaceMb?: number;
}

export class ServerProcess extends ClusterClient {
  joinToken = "";
  /** The join token's bearer part (`<id>.<secret>`), as an agent sends it. */
  joinBearer = "";
  /** Bytes the server wrote to stdout and stderr. */
  logBytes = 0;
  readonly logTail: string[] = [];
  private child: ChildProcess | undefined;
  private agent: https.Agent | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (s: LoopStats) => void>();

  private constructor(readonly serverDataDir: string) {
    super(serverDataDir);
  }

  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-sec-"));
    const server = new ServerProcess(dir);
    try {
      await server.launch(options);
    } catch (e) {
      await server.stop({ kill: true });
      throw e;
    }
    return server;
  }

  private async launch(options: ServerProcessOptions): Promise<void> {
    const nodeArgs = ["--expose-gc", "--import", PROBE];
    if (options.maxOldSpaceMb) nodeArgs.push(`--max-old-space-size=${options.maxOldSpaceMb}`);
    const args = ["server", "--no-agent", "--data-dir", this.serverDataDir, "--listen", "127.0.0.1:0"];
    const child = spawn(process.execPath, [...nodeArgs, EVERYNODE_BIN, ...args, ...(options.args ?? [])], {
      cwd: REPO_ROOT,
      env: { ...process.env, EVERYNODE_LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child = child;
    const collect = (chunk: Buffer): void => {
      this.logBytes += chunk.length;
      this.logTail.push(chunk.toString("utf8").slice(0, 2000));
      if (this.logTail.length > 200) this.logTail.splice(0, this.logTail.length - 200);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.on("message", (m: LoopStats & { id: number }) => {
      this.waiting.get(m.id)?.(m);
      this.waiting.delete(m.id);
    });
    const kubeconfigPath = path.join(this.serverDataDir, "kubeconfig.yaml");
    await waitFor(
      "the server's kubeconfig",
      () => {
        if (child.exitCode !== null) throw new Error(`the server exited:\n${this.logTail.join("")}`);
        return existsSync(kubeconfigPath);
      },
      60_000,
      100,
    );
    this.loadKubeconfig(kubeconfigPath);
    this.joinToken = readFileSync(path.join(this.serverDataDir, "join-token"), "utf8").trim();
    this.joinBearer = bearerOf(parseJoinToken(this.joinToken));
    this.agent = new https.Agent({ ca: this.caPem, keepAlive: true, maxSockets: 16 });
    await waitFor("the API to answer", async () => (await this.send("GET", "/readyz")).status === 200);
  }

  /** Whether the server process still runs. */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** One HTTPS request; never rejects (a dropped connection is status 0). */
  send(method: string, urlPath: string, options: SendOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.adminToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    headers.accept = options.accept ?? "application/json";
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload = Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(typeof options.body === "string" ? options.body : JSON.stringify(options.body));
      headers["content-type"] = options.contentType ?? "application/json";
      headers["content-length"] = String(payload.length);
    }
    return new Promise((resolve) => {
      let settled = false;
      const done = (a: Omit<Answer, "json">): void => {
        if (settled) return;
        settled = true;
        let json: unknown;
        try {
          json = JSON.parse(a.text);
        } catch {
          json = undefined;
        }
        resolve({ ...a, json });
      };
      const req = https.request(
        new URL(urlPath, this.server),
        { method, headers, agent: this.agent },
        (res) => {
          if (options.headersOnly && res.statusCode === 200) {
            done({ status: 200, headers: res.headers, text: "", timedOut: false });
            res.destroy();
            return;
          }
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            done({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString("utf8"),
              timedOut: false,
            }),
          );
          res.on("error", (e) =>
            done({ status: 0, headers: {}, text: "", timedOut: false, error: e.message }),
          );
        },
      );
      req.setTimeout(options.timeoutMs ?? 30_000, () => {
        done({ status: 0, headers: {}, text: "", timedOut: true, error: "timed out" });
        req.destroy();
      });
      req.on("error", (e) => done({ status: 0, headers: {}, text: "", timedOut: false, error: e.message }));
      req.end(payload);
    });
  }

  /** What the server's event loop and heap did since the last reset (`gc` collects first). */
  stats(options: { reset?: boolean; gc?: boolean } = {}): Promise<LoopStats> {
    const child = this.child;
    if (!child || !this.alive) return Promise.reject(new Error("the server is not running"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error("the server's probe did not answer"));
      }, 30_000);
      this.waiting.set(id, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      child.send({ op: "stats", id, reset: options.reset ?? false, gc: options.gc ?? false });
    });
  }

  private readonly nodeSecrets = new Map<string, string>();

  /** The node secret this test's agent for `nodeName` proves itself with (one per name). */
  nodeSecret(nodeName: string): string {
    let secret = this.nodeSecrets.get(nodeName);
    if (secret === undefined) {
      secret = randomBytes(32).toString("base64url");
      this.nodeSecrets.set(nodeName, secret);
    }
    return secret;
  }

  /** Registers a node with the server's join token (or another); returns its node credential. */
  async register(
    nodeName: string,
    extra: { labels?: Record<string, string>; taints?: unknown[]; joinBearer?: string } = {},
  ): Promise<string> {
    const r = await this.send("POST", "/agent/v1/register", {
      token: extra.joinBearer ?? this.joinBearer,
      body: {
        nodeName,
        labels: extra.labels ?? {},
        taints: extra.taints ?? [],
        nodeSecret: this.nodeSecret(nodeName),
      },
    });
    if (r.status !== 200) throw new Error(`registering ${nodeName} failed: ${r.status} ${r.text}`);
    return (r.json as { token: string }).token;
  }

  /** Stops the server (SIGTERM, then SIGKILL; at once with `kill`) and removes its data dir. */
  async stop(options: { kill?: boolean } = {}): Promise<void> {
    this.agent?.destroy();
    const child = this.child;
    if (child && this.alive) {
      child.kill(options.kill ? "SIGKILL" : "SIGTERM");
      const exited = await Promise.race([
        new Promise<boolean>((r) => child.once("exit", () => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!exited) {
        child.kill("SIGKILL");
        await new Promise((r) => child.once("exit", r));
      }
    }
    rmSync(this.serverDataDir, { recursive: true, force: true });
  }
}
