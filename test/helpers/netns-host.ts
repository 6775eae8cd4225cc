// A test host of its own for pods on the host network that need what this machine lacks: a
// network namespace with only its loopback, a Docker engine inside it whose mounts are shared
// (as on a host booted by systemd; NamespacedDocker's sharedMounts), the machine's images it
// needs, and TCP relays (socat) across: a port of the machine's loopback reachable at the same
// address inside (everynode's API), and ports inside reachable from the machine's loopback.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { run, waitFor } from "./cluster.js";
import { NamespacedDocker } from "./netns-docker.js";
import { freePort } from "./prometheus.js";

const MACHINE_NET = `/proc/${process.pid}/ns/net`;

export class NetnsHost {
  readonly engine: NamespacedDocker;
  private readonly relays: ChildProcess[] = [];
  private made = false;

  /** `netns` a name for `ip netns add`; `dir` for the engine (removed by stop()). */
  constructor(
    readonly netns: string,
    readonly dir: string,
  ) {
    this.engine = new NamespacedDocker(netns, path.join(dir, "docker"), { sharedMounts: true });
  }

  private get netnsPath(): string {
    return `/var/run/netns/${this.netns}`;
  }

  /** Makes the namespace, starts the engine and copies `images` into it from the machine's. */
  async start(images: string[]): Promise<void> {
    const add = await run("ip", ["netns", "add", this.netns]);
    if (add.code !== 0) throw new Error(`ip netns add ${this.netns}: ${add.stderr}`);
    this.made = true;
    await run("ip", ["-n", this.netns, "link", "set", "lo", "up"]);
    mkdirSync(this.dir, { recursive: true });
    await this.engine.start();
    const archive = path.join(this.dir, "images.tar");
    const saved = await run("docker", ["save", "-o", archive, ...images], { timeoutMs: 120_000 });
    if (saved.code !== 0) throw new Error(`docker save ${images.join(" ")}: ${saved.stderr}`);
    await this.engine.load(archive);
    rmSync(archive, { force: true });
  }

  private relay(listenNet: string, listenPort: number, targetNet: string, targetPort: number): void {
    const child = spawn(
      "nsenter",
      [
        `--net=${listenNet}`,
        "socat",
        `TCP-LISTEN:${listenPort},bind=127.0.0.1,reuseaddr,fork`,
        `EXEC:nsenter --net=${targetNet} socat STDIO TCP\\:127.0.0.1\\:${targetPort}`,
      ],
      { stdio: "ignore" },
    );
    this.relays.push(child);
  }

  /** The machine's 127.0.0.1:`port` at 127.0.0.1:`port` inside, once it accepts connections. */
  async relayIn(port: number): Promise<void> {
    this.relay(this.netnsPath, port, MACHINE_NET, port);
    await waitFor(
      `127.0.0.1:${port} inside ${this.netns}`,
      async () =>
        (
          await run("nsenter", [
            `--net=${this.netnsPath}`,
            "socat",
            "-u",
            "OPEN:/dev/null",
            `TCP:127.0.0.1:${port}`,
          ])
        ).code === 0,
      10_000,
      100,
    );
  }

  /** 127.0.0.1:`port` inside, at the machine's 127.0.0.1:<returned port>. */
  async relayOut(port: number): Promise<number> {
    const outside = await freePort();
    this.relay(MACHINE_NET, outside, this.netnsPath, port);
    await waitFor(
      `127.0.0.1:${outside} relaying to ${this.netns}`,
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(outside, "127.0.0.1", () => {
            s.destroy();
            resolve(true);
          });
          s.on("error", () => resolve(false));
        }),
      10_000,
      100,
    );
    return outside;
  }

  /** Stops the relays and the engine (with its containers), removes the namespace and `dir`. */
  async stop(): Promise<void> {
    for (const r of this.relays) if (r.exitCode === null && r.signalCode === null) r.kill("SIGTERM");
    await this.engine.stop();
    if (this.made) await run("ip", ["netns", "del", this.netns]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
