// Where the server's time went, phase by phase: reads a V8 .cpuprofile written by
// `bench:fleet --cpu-prof` and the run's JSON (its phase windows and clock anchor), and
// prints for each phase the functions by self time and by inclusive time.
//   node dist/bench/fleet/profile-summary.js <profile.cpuprofile> <fleet-N.json> [--top 30]

import { readFileSync } from "node:fs";
import path from "node:path";
import type { FleetRun } from "./report.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Window {
  name: string;
  fromUs: number;
  toUs: number;
}

function frameName(n: ProfileNode): string {
  const f = n.callFrame;
  const file = f.url ? path.basename(f.url.replace(/^file:\/\//, "")) : "";
  return `${f.functionName || "(anonymous)"}${file ? ` ${file}:${f.lineNumber + 1}` : ""}`;
}

export function summarize(profile: Profile, windows: Window[], top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<number, string[]>();
  const stackOf = (id: number): string[] => {
    let s = stacks.get(id);
    if (s) return s;
    const names = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
      names.add(frameName(byId.get(cur)!));
    s = [...names];
    stacks.set(id, s);
    return s;
  };
  const out: string[] = [];
  for (const w of windows) {
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    let t = profile.startTime;
    let total = 0;
    profile.samples.forEach((id, i) => {
      t += profile.timeDeltas[i] ?? 0;
      if (t < w.fromUs || t > w.toUs) return;
      const d = profile.timeDeltas[i + 1] ?? 0;
      const node = byId.get(id)!;
      const name = frameName(node);
      if (name.startsWith("(idle)")) return;
      total += d;
      self.set(name, (self.get(name) ?? 0) + d);
      for (const f of stackOf(id)) incl.set(f, (incl.get(f) ?? 0) + d);
    });
    const ms = (us: number): string => `${(us / 1000).toFixed(0)} ms`;
    const rank = (m: Map<string, number>): string[] =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => `| ${ms(v)} | ${((v / Math.max(1, total)) * 100).toFixed(1)}% | \`${k}\` |`);
    out.push(
      `### ${w.name}: ${ms(total)} busy in ${ms(w.toUs - w.fromUs)}`,
      "",
      "self time:",
      "",
      "| time | share | function |",
      "|---|---|---|",
      ...rank(self),
      "",
      "inclusive time:",
      "",
      "| time | share | function |",
      "|---|---|---|",
      ...rank(incl).filter((l) => !l.includes("`(root)`")),
      "",
    );
  }
  return out.join("\n");
}

function main(): void {
  const [profileFile, runFile, ...rest] = process.argv.slice(2);
  if (!profileFile || !runFile)
    throw new Error("usage: profile-summary <profile.cpuprofile> <fleet-N.json> [--top N]");
  const top = rest[0] === "--top" ? Number(rest[1]) : 30;
  const profile = JSON.parse(readFileSync(profileFile, "utf8")) as Profile;
  const run = JSON.parse(readFileSync(runFile, "utf8")) as FleetRun;
  const anchor = run.clockAnchor;
  if (!anchor) throw new Error("the run has no clock anchor");
  const toUs = (epochMs: number): number => anchor.monoUs + (epochMs - anchor.epochMs) * 1000;
  const windows: Window[] = [];
  for (const p of run.phases) {
    if (p.startedAt !== undefined)
      windows.push({ name: p.name, fromUs: toUs(p.startedAt), toUs: toUs(p.startedAt + p.ms) });
  }
  run.cycles.forEach((c, i) => {
    for (const p of Object.values(c)) {
      if (p?.result)
        windows.push({
          name: `${p.name} #${i + 1}`,
          fromUs: toUs(p.result.startedAt),
          toUs: toUs(p.result.endedAt),
        });
    }
  });
  process.stdout.write(summarize(profile, windows, top));
}

main();
