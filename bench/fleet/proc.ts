// What the processes cost, read from /proc: CPU time and RSS of the server and of the
// simulators, sampled every 250 ms, and the whole machine's CPU so that what other people
// ran at the same time (these machines are shared) is on record. Also the wait for a quiet
// machine before a run.

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { max, round } from "./stats.js";

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcReading {
  /** utime + stime, in clock ticks. */
  ticks: number;
  rssBytes: number;
  /** The process's peak RSS so far (VmHWM). */
  hwmBytes: number;
}

export function readProc(pid: number): ProcReading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(rest[11]) + Number(rest[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { ticks, rssBytes: kb("VmRSS"), hwmBytes: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/** Open file descriptors of a process (sockets included): a leak shows here. */
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  return {
    busy: user + nice + system + irq + softirq + steal,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

interface Sample {
  at: number;
  server: ProcReading;
  sims: ProcReading;
  machineBusy: number;
  load1: number;
}

export interface CpuWindow {
  /** Percent of one core over the window. */
  serverCpu: number;
  simCpu: number;
  /** Everything else on the machine (other people's work), percent of one core. */
  otherCpu: number;
  serverPeakRssBytes: number;
  load1: number;
}

export class ProcSampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly serverPid: () => number,
    private readonly simPids: () => number[],
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  sample(): void {
    const server = readProc(this.serverPid()) ?? { ticks: 0, rssBytes: 0, hwmBytes: 0 };
    const sims = { ticks: 0, rssBytes: 0, hwmBytes: 0 };
    for (const pid of this.simPids()) {
      const r = readProc(pid);
      if (!r) continue;
      sims.ticks += r.ticks;
      sims.rssBytes += r.rssBytes;
      sims.hwmBytes += r.hwmBytes;
    }
    const m = machineJiffies();
    this.samples.push({ at: Date.now(), server, sims, machineBusy: m.busy, load1: os.loadavg()[0] ?? 0 });
  }

  /** CPU and memory over [from, to], from the samples just outside it (short phases need them). */
  window(from: number, to: number): CpuWindow {
    const startIdx = Math.max(
      0,
      this.samples.findLastIndex((s) => s.at <= from),
    );
    let endIdx = this.samples.findIndex((s) => s.at >= to);
    if (endIdx < 0) endIdx = this.samples.length - 1;
    const inside = this.samples.slice(startIdx, endIdx + 1);
    const a = inside[0];
    const b = inside[inside.length - 1];
    if (!a || !b || b.at <= a.at) {
      return {
        serverCpu: 0,
        simCpu: 0,
        otherCpu: 0,
        serverPeakRssBytes: max(inside.map((s) => s.server.rssBytes)),
        load1: a?.load1 ?? 0,
      };
    }
    const seconds = (b.at - a.at) / 1000;
    // A restarted server starts its tick count again: count only what grew.
    const grew = (x: number, y: number): number => Math.max(0, y - x);
    const serverTicks = grew(a.server.ticks, b.server.ticks);
    const simTicks = grew(a.sims.ticks, b.sims.ticks);
    const busy = b.machineBusy - a.machineBusy;
    const pct = (ticks: number): number => round((ticks / CLK_TCK / seconds) * 100, 1);
    return {
      serverCpu: pct(serverTicks),
      simCpu: pct(simTicks),
      otherCpu: pct(Math.max(0, busy - serverTicks - simTicks)),
      serverPeakRssBytes: max(inside.map((s) => s.server.rssBytes)),
      load1: round(max(inside.map((s) => s.load1)), 2),
    };
  }

  /** The server's RSS at the last sample. */
  serverRss(): number {
    return this.samples[this.samples.length - 1]?.server.rssBytes ?? 0;
  }
}

export interface QuietWait {
  waitedMs: number;
  loadBefore: number[];
  loadAfter: number[];
  quiet: boolean;
}

/** Waits until the 1-minute load average is at most `maxLoad` (or the timeout passes). */
export async function waitForQuietMachine(
  maxLoad: number,
  timeoutMs: number,
  say: (s: string) => void,
): Promise<QuietWait> {
  const t0 = Date.now();
  const loadBefore = os.loadavg().map((x) => round(x, 2));
  let told = false;
  while ((os.loadavg()[0] ?? 0) > maxLoad && Date.now() - t0 < timeoutMs) {
    if (!told) say(`waiting for a quiet machine: load ${loadBefore.join(" ")} > ${maxLoad}`);
    told = true;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const loadAfter = os.loadavg().map((x) => round(x, 2));
  return { waitedMs: Date.now() - t0, loadBefore, loadAfter, quiet: (loadAfter[0] ?? 0) <= maxLoad };
}
