// Starts a real everynode cluster for a test: `bin/everynode server` (with its own agent,
// unless told not to) and more agents as separate processes, all on loopback and on the
// machine's real Docker daemon. Every process is stopped, and every container removed, by
// stop().

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { kubectlPath, REPO_ROOT, run, StopWaiting, waitFor, type RunResult } from "./run.js";

export {
  kubectlPath,
  offlineBaseImage,
  REPO_ROOT,
  run,
  StopWaiting,
  waitFor,
  type RunResult,
} from "./run.js";
export const EVERYNODE_BIN = path.join(REPO_ROOT, "bin/everynode");
export const TEST_IMAGE = process.env.EVERYNODE_TEST_IMAGE ?? "everynode/web:test";
export const NODE_LABEL_KEY = "io.everynode.node";

export interface AgentOptions {
  name: string;
  labels?: string[];
  taints?: string[];
  /** More flags for `everynode agent` (e.g. `--node-ip`). */
  args?: string[];
}

export interface ClusterOptions {
  serverNodeName?: string;
  serverNodeTaints?: string[];
  serverNodeLabels?: string[];
  agents?: AgentOptions[];
  noServerAgent?: boolean;
  /** Extra flags for `everynode server`. */
  serverArgs?: string[];
  /** Wait until every node is Ready (default true). */
  waitReady?: boolean;
  /** The Docker engine of every agent (`--docker-host`), when not the machine's. */
  dockerHost?: string;
}

/**
 * The integration files without Docker run beside the Docker ones (vitest.config.ts): one of
 * them starting an agent or calling docker would race those for the engine and for node
 * names, so it fails here and says where it belongs.
 */
function refuseDockerInNoDockerProject(what: string): void {
  if (process.env.EVERYNODE_TEST_NO_DOCKER === "1")
    throw new Error(
      `${what}: this file is listed in WITHOUT_DOCKER (vitest.config.ts) but uses Docker; take it off that list`,
    );
}

/** Talks to a running cluster through its admin kubeconfig: the API, kubectl, everynode, docker. */
export class ClusterClient {
  kubeconfig = "";
  server = "";
  adminToken = "";
  caPem = "";
  protected readonly nodeNames = new Set<string>();

  constructor(
    readonly dataDir: string,
    readonly dockerHost?: string,
  ) {}

  /** The docker client against the nodes' engine. */
  docker(args: string[]): Promise<RunResult> {
    refuseDockerInNoDockerProject(`docker ${args[0] ?? ""}`);
    return run("docker", [...(this.dockerHost ? ["-H", this.dockerHost] : []), ...args]);
  }

  /** Reads the server URL, CA and admin token from a kubeconfig the server wrote. */
  loadKubeconfig(kubeconfigPath: string): void {
    this.kubeconfig = kubeconfigPath;
    const kc = parseYaml(readFileSync(kubeconfigPath, "utf8")) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
      users: { user: { token: string } }[];
    };
    this.server = kc.clusters[0]?.cluster.server ?? "";
    this.caPem = Buffer.from(
      kc.clusters[0]?.cluster["certificate-authority-data"] ?? "",
      "base64",
    ).toString();
    this.adminToken = kc.users[0]?.user.token ?? "";
  }

  /** Node names whose containers containers() and removeContainers() look at. */
  addNodeNames(...names: string[]): void {
    for (const n of names) this.nodeNames.add(n);
  }

  /** A JSON request to the API with the admin token (or another one). */
  api(
    method: string,
    urlPath: string,
    body?: unknown,
    token = this.adminToken,
    contentType = "application/json",
  ): Promise<{ status: number; body: any; text: string }> {
    const url = new URL(urlPath, this.server);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.caPem,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            accept: "application/json",
            ...(payload !== undefined ? { "content-type": contentType } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: unknown = undefined;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, text });
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  everynode(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
    return run(process.execPath, [EVERYNODE_BIN, ...args], {
      ...opts,
      env: { KUBECONFIG: this.kubeconfig, ...opts.env },
    });
  }

  kubectl(
    args: string[],
    opts: { version?: string; input?: string; env?: Record<string, string> } = {},
  ): Promise<RunResult> {
    const cache = path.join(this.dataDir, `kubectl-cache-${opts.version ?? "default"}`);
    const base = ["--kubeconfig", this.kubeconfig, "--cache-dir", cache];
    return run(kubectlPath(opts.version), [...base, ...args], { input: opts.input, env: opts.env });
  }

  async nodes(): Promise<any[]> {
    return (await this.api("GET", "/api/v1/nodes")).body?.items ?? [];
  }

  async pods(namespace?: string): Promise<any[]> {
    const p = namespace ? `/api/v1/namespaces/${namespace}/pods` : "/api/v1/pods";
    return (await this.api("GET", p)).body?.items ?? [];
  }

  async waitForNodesReady(names: string[], timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `nodes ${names.join(", ")} Ready`,
      async () => {
        const nodes = await this.nodes();
        return names.every((n) =>
          nodes.some(
            (node) =>
              node.metadata.name === n &&
              node.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True"),
          ),
        );
      },
      timeoutMs,
    );
  }

  /**
   * Docker containers of this cluster's pods: `docker ps` filtered by node label, without the
   * pods' sandboxes (container name label `POD`).
   */
  async containers(nodeName?: string): Promise<{ id: string; name: string; node: string; state: string }[]> {
    const names = nodeName ? [nodeName] : [...this.nodeNames];
    const out: { id: string; name: string; node: string; state: string }[] = [];
    for (const n of names) {
      const r = await this.docker([
        "ps",
        "-a",
        "--filter",
        `label=${NODE_LABEL_KEY}=${n}`,
        "--format",
        '{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Label "io.everynode.container.name"}}',
      ]);
      for (const line of r.stdout.split("\n").filter(Boolean)) {
        const [id = "", name = "", state = "", container = ""] = line.split("\t");
        if (container !== "POD") out.push({ id, name, node: n, state });
      }
    }
    return out;
  }

  /** Removes every container of this cluster's nodes. */
  async removeContainers(): Promise<void> {
    for (const n of this.nodeNames) {
      const r = await this.docker(["ps", "-aq", "--filter", `label=${NODE_LABEL_KEY}=${n}`]);
      const ids = r.stdout.split("\n").filter(Boolean);
      if (ids.length) await this.docker(["rm", "-f", ...ids]);
    }
  }
}

/** A cluster of processes on this machine: `everynode server` and agents. */
export class Cluster extends ClusterClient {
  readonly serverDataDir: string;
  joinToken = "";
  private serverProcess: ChildProcess | undefined;
  private readonly agents = new Map<string, ChildProcess>();
  readonly logs: string[] = [];
  /** 0 until the first start; then the same port again, so that agents find a restarted server. */
  private listenPort = 0;

  constructor(private readonly options: ClusterOptions) {
    super(mkdtempSync(path.join(os.tmpdir(), "everynode-test-")), options.dockerHost);
    this.serverDataDir = path.join(this.dataDir, "server");
  }

  private spawnLogged(name: string, args: string[]): ChildProcess {
    if (args[0] === "agent" || (args[0] === "server" && !args.includes("--no-agent")))
      refuseDockerInNoDockerProject(`everynode ${args[0]} with an agent`);
    const child = spawn(process.execPath, [EVERYNODE_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, EVERYNODE_LOG_LEVEL: process.env.EVERYNODE_LOG_LEVEL ?? "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString().split("\n")) if (line) this.logs.push(`[${name}] ${line}`);
      if (this.logs.length > 5000) this.logs.splice(0, this.logs.length - 5000);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    return child;
  }

  /** Where a node's agent writes the kubelet's log layout (`pods/`, `containers/`), never /var/log. */
  podLogDir(nodeName: string): string {
    return path.join(this.dataDir, "pod-logs", nodeName);
  }

  serverArgs(): string[] {
    const o = this.options;
    const args = [
      "server",
      "--data-dir",
      this.serverDataDir,
      "--listen",
      `127.0.0.1:${this.listenPort}`,
      ...(o.serverArgs ?? []),
    ];
    if (o.noServerAgent) args.push("--no-agent");
    else {
      const name = o.serverNodeName ?? "master";
      this.nodeNames.add(name);
      args.push("--node-name", name, "--pod-log-dir", this.podLogDir(name));
      for (const t of o.serverNodeTaints ?? []) args.push("--node-taint", t);
      for (const l of o.serverNodeLabels ?? []) args.push("--node-label", l);
    }
    return args;
  }

  async startServer(): Promise<void> {
    const kubeconfigPath = path.join(this.serverDataDir, "kubeconfig.yaml");
    rmSync(kubeconfigPath, { force: true });
    this.serverProcess = this.spawnLogged("server", this.serverArgs());
    await waitFor(
      "the server's kubeconfig",
      () => existsSync(kubeconfigPath) || this.exited("server"),
      60_000,
    );
    this.loadKubeconfig(kubeconfigPath);
    this.listenPort = Number(new URL(this.server).port);
    this.joinToken = readFileSync(path.join(this.serverDataDir, "join-token"), "utf8").trim();
    await waitFor("the API to answer", async () => (await this.api("GET", "/readyz")).status === 200, 30_000);
  }

  private exited(name: string): false {
    const child = name === "server" ? this.serverProcess : this.agents.get(name);
    if (child && child.exitCode !== null) {
      throw new StopWaiting(`${name} exited with ${child.exitCode}:\n${this.logs.slice(-40).join("\n")}`);
    }
    return false;
  }

  agentArgs(a: AgentOptions): string[] {
    const args = ["agent", "--server", this.server, "--token", this.joinToken, "--name", a.name];
    args.push("--data-dir", path.join(this.dataDir, "agents", a.name));
    args.push("--pod-log-dir", this.podLogDir(a.name));
    for (const l of a.labels ?? []) args.push("--label", l);
    for (const t of a.taints ?? []) args.push("--taint", t);
    if (this.options.dockerHost) args.push("--docker-host", this.options.dockerHost);
    args.push(...(a.args ?? []));
    return args;
  }

  startAgent(a: AgentOptions): void {
    this.nodeNames.add(a.name);
    this.agents.set(a.name, this.spawnLogged(a.name, this.agentArgs(a)));
  }

  /** Kills the server with SIGKILL, as a crash would. */
  killServer(): void {
    this.serverProcess?.kill("SIGKILL");
  }

  async restartServer(): Promise<void> {
    const child = this.serverProcess;
    this.killServer();
    if (child)
      await waitFor("the server to exit", () => child.exitCode !== null || child.signalCode !== null);
    await this.startServer();
  }

  killAgent(name: string, signal: NodeJS.Signals = "SIGKILL"): void {
    this.agents.get(name)?.kill(signal);
  }

  async restartAgent(a: AgentOptions): Promise<void> {
    const child = this.agents.get(a.name);
    child?.kill("SIGKILL");
    if (child)
      await waitFor(`agent ${a.name} to exit`, () => child.exitCode !== null || child.signalCode !== null);
    this.startAgent(a);
  }

  async stop(): Promise<void> {
    const children = [...this.agents.values(), this.serverProcess].filter((c): c is ChildProcess => !!c);
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) =>
        waitFor("a process to exit", () => c.exitCode !== null || c.signalCode !== null, 15_000).catch(() => {
          c.kill("SIGKILL");
        }),
      ),
    );
    await this.removeContainers();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const cluster = new Cluster(options);
  try {
    await cluster.startServer();
    for (const a of options.agents ?? []) cluster.startAgent(a);
    if (options.waitReady !== false) {
      const names = [
        ...(options.noServerAgent ? [] : [options.serverNodeName ?? "master"]),
        ...(options.agents ?? []).map((a) => a.name),
      ];
      if (names.length) await cluster.waitForNodesReady(names);
    }
    return cluster;
  } catch (e) {
    const logs = cluster.logs.slice(-60).join("\n");
    await cluster.stop();
    throw new Error(`${(e as Error).message}\n--- cluster logs ---\n${logs}`);
  }
}
