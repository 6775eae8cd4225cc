// The runner's handle on the simulated fleet: plans the nodes (names, labels, which ones
// the DaemonSet selects, source addresses), forks the simulator processes with a file
// limit raised for tens of thousands of sockets, and sends them requests (sim-protocol.ts).

import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { wellKnownLabels } from "../../agent/node-info.js";
import type { FromSim, SimNodeSpec, SimOptions, SimStats, ToSim } from "./sim-protocol.js";

/** The label the benchmark's DaemonSet selects on: pool=a for 9 nodes in 10. */
export const POOL_LABEL = "fleet.everynode.io/pool";

/** Loopback source addresses the fleet's connections are spread over (ports and per-address caps). */
const SOURCE_ADDRESSES = 128;

export function planNodes(count: number, eligibleShare = 0.9): SimNodeSpec[] {
  const every = Math.round(1 / Math.max(0.0001, 1 - eligibleShare));
  return Array.from({ length: count }, (_, i) => {
    const name = `fleet-${String(i).padStart(5, "0")}`;
    const eligible = eligibleShare >= 1 || i % every !== every - 1;
    return {
      name,
      labels: { ...wellKnownLabels(name), [POOL_LABEL]: eligible ? "a" : "b" },
      eligible,
      ip: `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
      localAddress: `127.0.1.${1 + (i % SOURCE_ADDRESSES)}`,
    };
  });
}

/**
 * Runs `argv` with the open-file limit raised as far as the machine allows (a process that
 * holds 30,000 sockets needs more than the usual 1,024 or 20,000), keeping stdio and IPC.
 */
export function spawnWithFileLimit(
  argv: string[],
  opts: { stdio: ("ignore" | "inherit" | "pipe" | "ipc" | number)[]; env?: NodeJS.ProcessEnv },
): ChildProcess {
  const script = 'ulimit -n 262144 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
  return spawn("sh", ["-c", script, ...argv], { stdio: opts.stdio, env: opts.env ?? process.env });
}

type Request = ToSim extends infer T ? (T extends { id: number } ? Omit<T, "id"> : never) : never;

class SimProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on("message", (m: FromSim) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        for (const p of this.pending.values()) p.reject(new Error(`simulator exited (${code ?? signal})`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  request<T>(m: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...m, id } as ToSim);
    });
  }
}

export class Fleet {
  private constructor(
    private readonly procs: SimProcess[],
    readonly nodes: SimNodeSpec[],
  ) {}

  /** Forks `processes` simulators and gives each its share of `nodes` (round robin). */
  static async start(o: {
    processes: number;
    nodes: SimNodeSpec[];
    server: string;
    joinToken: string;
    options: SimOptions;
    /** Extra flags for node itself in each simulator (--cpu-prof). */
    nodeArgs?: string[];
  }): Promise<Fleet> {
    const script = fileURLToPath(new URL("./sim-process.js", import.meta.url));
    const count = Math.max(1, Math.min(o.processes, o.nodes.length));
    const procs = Array.from(
      { length: count },
      () =>
        new SimProcess(
          spawnWithFileLimit([process.execPath, ...(o.nodeArgs ?? []), script], {
            stdio: ["ignore", "inherit", "inherit", "ipc"],
          }),
        ),
    );
    const fleet = new Fleet(procs, o.nodes);
    await Promise.all(
      procs.map((p, k) =>
        p.request<number>({
          cmd: "init",
          server: o.server,
          joinToken: o.joinToken,
          nodes: o.nodes.filter((_, i) => i % count === k),
          options: { ...o.options, seed: o.options.seed + k },
        }),
      ),
    );
    return fleet;
  }

  get pids(): number[] {
    return this.procs.map((p) => p.child.pid ?? 0).filter((pid) => pid > 0);
  }

  get eligible(): number {
    return this.nodes.filter((n) => n.eligible).length;
  }

  /** Sends the request to every simulator; resolves with their answers. */
  all<T>(m: Request): Promise<T[]> {
    return Promise.all(this.procs.map((p) => p.request<T>(m)));
  }

  async stats(): Promise<SimStats> {
    const all = await this.all<SimStats>({ cmd: "stats" });
    return mergeStats(all);
  }

  async stop(): Promise<void> {
    await Promise.race([this.all({ cmd: "stop" }), new Promise((r) => setTimeout(r, 10_000).unref())]).catch(
      () => {},
    );
    // A simulator exits when its IPC channel closes (and writes its --cpu-prof profile then);
    // one that does not within a few seconds is killed.
    for (const p of this.procs) if (p.child.connected) p.child.disconnect();
    const exited = Promise.all(this.procs.map((p) => p.exited));
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
    for (const p of this.procs) p.child.kill("SIGKILL");
    await exited;
  }
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export function mergeStats(all: SimStats[]): SimStats {
  const out: SimStats = {
    nodes: 0,
    connected: 0,
    registrations: 0,
    connectAttempts: 0,
    reconnects: 0,
    attemptBuckets: {},
    duplicates: 0,
    duplicateExamples: [],
    closeCodes: {},
    assignmentsReceived: 0,
    assignmentBytes: 0,
    statusesSent: 0,
    heartbeatsSent: 0,
    heartbeatIntervals: {},
    cpuUserUs: 0,
    cpuSystemUs: 0,
    rssBytes: 0,
  };
  for (const s of all) {
    out.nodes += s.nodes;
    out.connected += s.connected;
    out.registrations += s.registrations;
    out.connectAttempts += s.connectAttempts;
    out.reconnects += s.reconnects;
    addCounts(out.attemptBuckets, s.attemptBuckets);
    out.duplicates += s.duplicates;
    out.duplicateExamples.push(...s.duplicateExamples);
    addCounts(out.closeCodes, s.closeCodes);
    out.assignmentsReceived += s.assignmentsReceived;
    out.assignmentBytes += s.assignmentBytes;
    out.statusesSent += s.statusesSent;
    out.heartbeatsSent += s.heartbeatsSent;
    addCounts(out.heartbeatIntervals, s.heartbeatIntervals);
    out.cpuUserUs += s.cpuUserUs;
    out.cpuSystemUs += s.cpuSystemUs;
    out.rssBytes += s.rssBytes;
  }
  out.duplicateExamples = out.duplicateExamples.slice(0, 20);
  return out;
}
