// The host's figures for kubectl top node, read from /proc as the kubelet's node figures
// cover the whole machine: CPU time spent busy (every CPU's time but idle and iowait) and
// memory in use (MemTotal less MemAvailable, which leaves out the reclaimable file cache as
// the working set does). The parsers are pure; readHostUsage reads the files.

import { readFile } from "node:fs/promises";

/** Cumulative busy CPU time and memory in use now. */
export interface HostUsage {
  cpuNanoseconds: number;
  memoryBytes: number;
}

/** /proc/stat counts in USER_HZ ticks, 100 a second on every Linux the agent runs on. */
const NS_PER_TICK = 1e9 / 100;

/** Busy CPU time (ns) from /proc/stat's aggregate `cpu` line, or undefined when absent. */
export function busyCpuNanoseconds(procStat: string): number | undefined {
  const line = procStat.split("\n").find((l) => /^cpu\s/.test(l));
  if (!line) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already in user and nice).
  const t = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (t.length < 4 || t.some((n) => !Number.isFinite(n))) return undefined;
  const busy = t.reduce((a, b) => a + b, 0) - (t[3] ?? 0) - (t[4] ?? 0);
  return busy * NS_PER_TICK;
}

/** Memory in use (bytes) from /proc/meminfo: MemTotal less MemAvailable. */
export function memoryInUseBytes(meminfo: string): number | undefined {
  const kib = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, "m").exec(meminfo);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kib("MemTotal");
  const available = kib("MemAvailable");
  if (total === undefined || available === undefined) return undefined;
  return Math.max(0, total - available);
}

export async function readHostUsage(procRoot = "/proc"): Promise<HostUsage> {
  const [stat, meminfo] = await Promise.all([
    readFile(`${procRoot}/stat`, "utf8"),
    readFile(`${procRoot}/meminfo`, "utf8"),
  ]);
  const cpu = busyCpuNanoseconds(stat);
  const memory = memoryInUseBytes(meminfo);
  if (cpu === undefined || memory === undefined)
    throw new Error(`cannot read the host's usage from ${procRoot}`);
  return { cpuNanoseconds: cpu, memoryBytes: memory };
}
