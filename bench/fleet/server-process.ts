// The control plane under test: `everynode server --no-agent` as its own process, on a
// fresh data dir, with the open-file limit raised. Started, killed with -9 and started again
// on the same data dir and port (fault injection), or stopped with SIGTERM and timed.

import type { ChildProcess } from "node:child_process";
import { openSync, readFileSync, statSync, closeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { spawnWithFileLimit } from "./fleet.js";
import { ApiClient } from "./api-client.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const BIN = path.join(REPO_ROOT, "bin/everynode");

export interface ServerOptions {
  dataDir: string;
  /** 0 picks a free port on the first start; a restart passes the port it got. */
  port: number;
  logFile: string;
  /** Extra flags for node itself (--cpu-prof, --heapsnapshot-signal=...). */
  nodeArgs?: string[];
  /** Extra flags for `everynode server`. */
  serverArgs?: string[];
}

export interface ServerInfo {
  url: string;
  port: number;
  caPem: string;
  adminToken: string;
  joinToken: string;
}

interface KubeconfigShape {
  clusters?: { cluster?: { server?: string; "certificate-authority-data"?: string } }[];
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  info: ServerInfo | undefined;
  api: ApiClient | undefined;
  /** When the current process was spawned and when its API first answered. */
  spawnedAt = 0;
  readyAt = 0;

  constructor(private readonly o: ServerOptions) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** Starts the server and waits until `GET /version` answers. */
  async start(): Promise<ServerInfo> {
    const port = this.info?.port ?? this.o.port;
    const log = openSync(this.o.logFile, "a");
    this.spawnedAt = Date.now();
    const child = spawnWithFileLimit(
      [
        process.execPath,
        ...(this.o.nodeArgs ?? []),
        BIN,
        "server",
        "--no-agent",
        "--data-dir",
        this.o.dataDir,
        "--listen",
        `127.0.0.1:${port}`,
        "--log-level",
        process.env.EVERYNODE_BENCH_LOG_LEVEL ?? "warn",
        ...(this.o.serverArgs ?? []),
      ],
      { stdio: ["ignore", log, log] },
    );
    closeSync(log);
    this.child = child;
    this.exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const spawnedAt = this.spawnedAt;
    const kubeconfig = path.join(this.o.dataDir, "kubeconfig.yaml");
    // The server rewrites its kubeconfig on every start, once it listens.
    const cfg = await until("the server's kubeconfig", 120_000, () => {
      if (child.exitCode !== null) throw new Error("exited");
      if (statSync(kubeconfig).mtimeMs < spawnedAt - 1000) return undefined;
      return parseYaml(readFileSync(kubeconfig, "utf8")) as KubeconfigShape;
    });
    if (child.exitCode !== null)
      throw new Error(`the server exited at start (${child.exitCode}); see ${this.o.logFile}`);
    const cluster = cfg.clusters?.[0]?.cluster;
    const url = cluster?.server ?? "";
    const caPem = Buffer.from(cluster?.["certificate-authority-data"] ?? "", "base64").toString("utf8");
    this.info = {
      url,
      port: Number(new URL(url).port),
      caPem,
      adminToken: readFileSync(path.join(this.o.dataDir, "admin-token"), "utf8").trim(),
      joinToken: readFileSync(path.join(this.o.dataDir, "join-token"), "utf8").trim(),
    };
    this.api?.close();
    this.api = new ApiClient(this.info.url, this.info.caPem, this.info.adminToken);
    const api = this.api;
    await until("GET /version", 120_000, async () =>
      (await api.get("/version")).status === 200 ? true : undefined,
    );
    this.readyAt = Date.now();
    return this.info;
  }

  /** kill -9: no shutdown at all, as a power cut or an OOM kill. */
  async kill9(): Promise<void> {
    this.child?.kill("SIGKILL");
    await this.exit;
  }

  /** SIGTERM; resolves with how long the process took to exit (it is killed after `limitMs`). */
  async stop(limitMs = 30_000): Promise<{ ms: number; exitedByItself: boolean; code: number | null }> {
    if (!this.child || this.child.exitCode !== null)
      return { ms: 0, exitedByItself: true, code: this.child?.exitCode ?? null };
    const t0 = Date.now();
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), limitMs);
    const { code, signal } = (await this.exit) ?? { code: null, signal: null };
    clearTimeout(timer);
    this.api?.close();
    return { ms: Date.now() - t0, exitedByItself: signal !== "SIGKILL", code };
  }
}
