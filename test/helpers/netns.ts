// Several "hosts" on one machine for a test: one network namespace per host, each joined by
// a veth pair to a bridge in a switch namespace, with addresses of a private /24 that exist
// only inside these namespaces. A host is cut off by setting its switch-side veth down.

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { REPO_ROOT, run } from "./cluster.js";
import type { RunResult } from "./cluster.js";

/** Runs `ip ...` and throws with its output when it fails. */
async function ip(args: string[]): Promise<RunResult> {
  const r = await run("ip", args, { timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`ip ${args.join(" ")} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r;
}

/** Fails (rather than skips) when iproute2 is missing or namespaces cannot be made. */
export async function requireIp(): Promise<void> {
  const r = await run("ip", ["-V"], { timeoutMs: 5_000 }).catch((e: unknown) => ({
    code: 127,
    stdout: "",
    stderr: String(e),
  }));
  if (r.code !== 0) {
    throw new Error(`this test needs iproute2 (the "ip" command) and root: ${r.stderr || r.stdout}`);
  }
}

/** A switch namespace and one namespace per host, all named `<prefix>-...`. */
export class HostNetwork {
  readonly switchNs: string;
  private readonly hosts = new Map<string, { ns: string; address: string }>();
  private readonly children: ChildProcess[] = [];
  readonly logs: string[] = [];

  /** `subnet` is the first three octets, e.g. "10.250.7"; `.1`, `.2`... go to the hosts in order. */
  constructor(
    readonly prefix: string,
    readonly subnet: string,
  ) {
    this.switchNs = `${prefix}-sw`;
  }

  /** Makes the switch and the hosts; `names` get addresses .1, .2, ... in order. */
  async create(names: string[]): Promise<void> {
    await ip(["netns", "add", this.switchNs]);
    await ip(["-n", this.switchNs, "link", "add", "br0", "type", "bridge"]);
    await ip(["-n", this.switchNs, "link", "set", "br0", "up"]);
    let n = 1;
    for (const name of names) {
      const ns = `${this.prefix}-${name}`;
      const address = `${this.subnet}.${n++}`;
      this.hosts.set(name, { ns, address });
      await ip(["netns", "add", ns]);
      // Made inside the host's namespace, with its peer moved to the switch: no interface
      // ever appears in the machine's own namespace.
      await ip([
        "-n",
        ns,
        "link",
        "add",
        "eth0",
        "type",
        "veth",
        "peer",
        "name",
        `v-${name}`,
        "netns",
        this.switchNs,
      ]);
      await ip(["-n", this.switchNs, "link", "set", `v-${name}`, "master", "br0"]);
      await ip(["-n", this.switchNs, "link", "set", `v-${name}`, "up"]);
      await ip(["-n", ns, "addr", "add", `${address}/24`, "dev", "eth0"]);
      await ip(["-n", ns, "link", "set", "eth0", "up"]);
      await ip(["-n", ns, "link", "set", "lo", "up"]);
    }
  }

  ns(name: string): string {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host ${name}`);
    return h.ns;
  }

  address(name: string): string {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host ${name}`);
    return h.address;
  }

  /** Cuts a host off the switch (its switch-side veth down). */
  async cut(name: string): Promise<void> {
    await ip(["-n", this.switchNs, "link", "set", `v-${name}`, "down"]);
  }

  /** Plugs a cut host back in. */
  async restore(name: string): Promise<void> {
    await ip(["-n", this.switchNs, "link", "set", `v-${name}`, "up"]);
  }

  /** Runs a command inside a host's namespace and collects its output. */
  exec(name: string, file: string, args: string[], opts: { input?: string } = {}): Promise<RunResult> {
    return run("ip", ["netns", "exec", this.ns(name), file, ...args], { ...opts, timeoutMs: 60_000 });
  }

  /** Starts a long-running process inside a host's namespace; destroy() stops it. */
  spawn(name: string, label: string, file: string, args: string[]): ChildProcess {
    // `ip netns exec` execs the command: the child's pid is the command's own.
    const child = spawn("ip", ["netns", "exec", this.ns(name), file, ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString().split("\n")) if (line) this.logs.push(`[${label}] ${line}`);
      if (this.logs.length > 5000) this.logs.splice(0, this.logs.length - 5000);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    this.children.push(child);
    return child;
  }

  /** Names of every namespace made here (the switch's too), for checks that none is left. */
  namespaces(): string[] {
    return [this.switchNs, ...[...this.hosts.values()].map((h) => h.ns)];
  }

  /** Stops every process started here: SIGTERM, then SIGKILL after 10 s. */
  async stopProcesses(): Promise<void> {
    const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;
    for (const c of this.children) if (alive(c)) c.kill("SIGTERM");
    const deadline = Date.now() + 10_000;
    while (this.children.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const c of this.children) if (alive(c)) c.kill("SIGKILL");
    while (this.children.some(alive) && Date.now() < deadline + 5_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Removes the namespaces (a process still inside one keeps it alive, unnamed). */
  async removeNamespaces(): Promise<void> {
    for (const { ns } of this.hosts.values()) await run("ip", ["netns", "del", ns]);
    await run("ip", ["netns", "del", this.switchNs]);
  }

  /** Stops every process started here, then removes the namespaces. */
  async destroy(): Promise<void> {
    await this.stopProcesses();
    await this.removeNamespaces();
  }
}
