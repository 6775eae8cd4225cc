// A private Docker engine for one test host: a dockerd started inside the host's network
// namespace with its data, state and socket under a directory of the test's own, so that the
// host's agent shares nothing with the machine's engine or with another host's. The engine's
// default bridge lives inside that namespace only; the machine's docker0 is never touched
// (a second dockerd in the machine's own namespace would delete it).

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
} from "node:fs";
import path from "node:path";
import { run, waitFor } from "./cluster.js";
import type { RunResult } from "./cluster.js";

/** Mount points at or below `dir` (from /proc/self/mountinfo), deepest first. */
export function mountsUnder(dir: string): string[] {
  const unescape = (s: string): string =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => unescape(line.split(" ")[4] ?? ""))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}

/** Cgroup directories (v1 per controller, or v2) of containers with these ids that exist. */
export function containerCgroups(ids: string[]): string[] {
  const root = "/sys/fs/cgroup";
  const parents = [root, ...readdirSync(root).map((c) => path.join(root, c))];
  return ids.flatMap((id) => parents.map((p) => path.join(p, "docker", id)).filter((d) => existsSync(d)));
}

/** What a test under `dir` left on the machine: mounts, namespaces, processes, cgroups, files. */
export async function leftoversOf(
  dir: string,
  namespaces: string[],
  containerIds: string[],
): Promise<string[]> {
  const left = mountsUnder(dir).map((m) => `mount ${m}`);
  const listed = (await run("ip", ["netns", "list"])).stdout.split("\n").map((l) => l.split(" ")[0]);
  left.push(...namespaces.filter((n) => listed.includes(n)).map((n) => `netns ${n}`));
  const ps = (await run("ps", ["-eo", "pid,args"])).stdout.split("\n");
  left.push(...ps.filter((l) => l.includes(dir)).map((l) => `process ${l.trim()}`));
  left.push(...containerCgroups(containerIds).map((c) => `cgroup ${c}`));
  if (existsSync(dir)) left.push(`directory ${dir}`);
  return left;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One dockerd inside a network namespace, with everything it owns under `dir`. */
export class NamespacedDocker {
  readonly socket: string;
  private child: ChildProcess | undefined;
  private stopped: Promise<void> | undefined;

  /**
   * `netnsName` as made by `ip netns add`; `dir` must not exist yet or be empty. With
   * `sharedMounts`, the engine has a mount namespace of its own whose mounts are all shared,
   * as on a host booted by systemd: only there may binds of the host's `/` or `/sys` have
   * mountPropagation (this machine's own root mount is private).
   */
  constructor(
    readonly netnsName: string,
    readonly dir: string,
    private readonly options: { sharedMounts?: boolean } = {},
  ) {
    this.socket = path.join(dir, "docker.sock");
  }

  /** The value for `docker -H` and `everynode agent --docker-host`. */
  get host(): string {
    return `unix://${this.socket}`;
  }

  private get logFile(): string {
    return path.join(this.dir, "dockerd.log");
  }

  /** The end of the engine's own log, for failure messages. */
  logTail(lines = 30): string {
    return readOr(this.logFile, "(no log)").trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** Starts the engine and waits until it answers on its socket. */
  async start(timeoutMs = 30_000): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const log = openSync(this.logFile, "a");
    // nsenter only enters the network namespace; `ip netns exec` would also remount /sys in a
    // new mount namespace and hide the cgroup hierarchies dockerd needs. nsenter execs dockerd,
    // so the child's pid is the engine's own. dockerd's defaults suffice here (no
    // --iptables=false needed): its rules and its docker0 go into the namespace's own tables.
    this.child = spawn(
      "nsenter",
      [
        `--net=/var/run/netns/${this.netnsName}`,
        ...(this.options.sharedMounts ? ["unshare", "--mount", "--propagation", "shared"] : []),
        "dockerd",
        "--data-root",
        path.join(this.dir, "root"),
        "--exec-root",
        path.join(this.dir, "exec"),
        "--pidfile",
        path.join(this.dir, "docker.pid"),
        "--host",
        this.host,
      ],
      { stdio: ["ignore", log, log] },
    );
    closeSync(log);
    const child = this.child;
    // waitFor retries on a thrown error: an engine that died is reported as a value instead.
    const outcome = await waitFor(
      `the engine in ${this.netnsName} to answer`,
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return "exited";
        const r = await this.docker(["version", "--format", "{{.Server.Version}}"], 5_000);
        return r.code === 0 ? "ready" : undefined;
      },
      timeoutMs,
      100,
    ).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\n--- dockerd log ---\n${this.logTail()}`);
    });
    if (outcome === "exited") {
      const how = child.exitCode ?? child.signalCode;
      throw new Error(`dockerd in ${this.netnsName} exited (${how}):\n${this.logTail()}`);
    }
    // Had a containerd of the machine's been listening at its default socket, dockerd would
    // have used it instead of starting its own, and the engines would share containers' state.
    if (!existsSync(path.join(this.dir, "exec", "containerd", "containerd.sock"))) {
      throw new Error(`the engine in ${this.netnsName} did not start a containerd of its own`);
    }
  }

  /** Runs the docker client against this engine. */
  docker(args: string[], timeoutMs = 60_000): Promise<RunResult> {
    return run("docker", ["-H", this.host, ...args], { timeoutMs });
  }

  /** Loads an image archive made by `docker save` (no registry is reachable). */
  async load(archive: string): Promise<void> {
    const r = await this.docker(["load", "-i", archive]);
    if (r.code !== 0) throw new Error(`docker load into ${this.netnsName} failed: ${r.stderr}`);
  }

  /** Ids of this engine's containers, running only unless `all`, optionally by one label. */
  async containers(opts: { label?: string; all?: boolean } = {}): Promise<string[]> {
    const args = ["ps", "-q", "--no-trunc", ...(opts.all ? ["-a"] : [])];
    if (opts.label) args.push("--filter", `label=${opts.label}`);
    const r = await this.docker(args, 15_000);
    if (r.code !== 0) throw new Error(`docker ps on ${this.netnsName} failed: ${r.stderr}`);
    return r.stdout.split("\n").filter(Boolean);
  }

  /**
   * Removes every container, stops the engine (SIGTERM, then SIGKILL), ends whatever it left
   * running, unmounts everything under `dir` and deletes `dir`. Safe to call more than once,
   * and after a failed start.
   */
  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<void> {
    const ids = this.containerIds();
    const child = this.child;
    const alive = (): boolean => !!child && child.exitCode === null && child.signalCode === null;
    if (alive()) {
      const ids = await this.containers({ all: true }).catch(() => []);
      if (ids.length) await this.docker(["rm", "-f", ...ids], 30_000);
      child?.kill("SIGTERM");
      for (let t = 0; alive() && t < 150; t++) await sleep(100);
      if (alive()) child?.kill("SIGKILL");
      for (let t = 0; alive() && t < 50; t++) await sleep(100);
    }
    // After a SIGKILL (or a crash) the engine's containerd, shims and containers outlive it.
    for (let round = 0; round < 3; round++) {
      const pids = this.leftoverPids();
      if (!pids.length) break;
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      await sleep(300);
    }
    // Killed containers never had their cgroups removed by the runtime; empty ones go here.
    for (const cg of containerCgroups(ids)) {
      try {
        rmdirSync(cg);
      } catch {
        // Not empty or already gone: leftovers() in the test reports what stays.
      }
    }
    for (const point of mountsUnder(this.dir)) {
      if ((await run("umount", [point], { timeoutMs: 15_000 })).code !== 0) {
        await run("umount", ["-l", point], { timeoutMs: 15_000 });
      }
    }
    const still = mountsUnder(this.dir);
    if (still.length) throw new Error(`still mounted under ${this.dir}: ${still.join(", ")}`);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Ids of every container this engine ever made and has not removed. */
  private containerIds(): string[] {
    const containersDir = path.join(this.dir, "root", "containers");
    return existsSync(containersDir) ? readdirSync(containersDir) : [];
  }

  /**
   * Processes this engine started that are still alive: those naming `dir` on their command
   * line (dockerd, containerd, shims) and those in one of its containers' cgroups.
   */
  private leftoverPids(): number[] {
    const ids = this.containerIds();
    const pids: number[] = [];
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      const cmdline = readOr(`/proc/${pid}/cmdline`, "").split("\0");
      const cgroup = readOr(`/proc/${pid}/cgroup`, "");
      const mine =
        cmdline.some((arg) => arg.includes(`${this.dir}/`)) ||
        ids.some((id) => cgroup.includes(`/docker/${id}\n`) || cgroup.includes(`/docker/${id}/`));
      if (mine) pids.push(pid);
    }
    return pids;
  }
}
