// Where the server's time went, phase by phase: reads a V8 .cpuprofile written by
// `bench:fleet --cpu-prof` and the run's JSON (its phase windows and clock anchor), and
// prints for each phase: time per component of the control plane (inclusive), the longest
// stretches the event loop never went idle (what holds up the API), and the functions by
// self time. With --timeline MS, each phase is also cut into steps of MS: what the server
// was doing when (which work starts the last node's set late).
//   node dist/bench/fleet/profile-summary.js <DIR>/*.cpuprofile <fleet-N.json> [--top 25] [--timeline 250]

import { readFileSync, statSync } from "node:fs";
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
  /** The phase's slowest API answers: what the server did while each waited. */
  slow?: { fromUs: number; toUs: number; ms: number }[];
}

/** Components by the frame that enters them (a sample counts for every component on its stack). */
const COMPONENTS: [string, RegExp][] = [
  ["controller plan (reads the fleet)", /^continuePlanning daemonset-controller/],
  ["controller writes (pass slices)", /^writeSlice pass-writer/],
  ["dispatcher sends (read, encode, send)", /^drain dispatcher/],
  ["  of which recordScheduled", /^recordScheduled dispatcher/],
  ["status ingest writes (slices)", /^writeUntil status-ingest/],
  ["status ingest: kubelet events", /^writeEventsUntil status-ingest/],
  ["status ingest accept (validate)", /^accept status-ingest/],
  ["hello", /^hello agent-sessions/],
  ["heartbeat", /^heartbeat node-lifecycle/],
  ["lifecycle sweep", /^(sweep|sweepSlice) node-lifecycle/],
  ["lifecycle node changes", /^onNodeChanges node-lifecycle/],
  ["registration", /registration-router/],
  ["API (express)", /^app express/],
  ["agent socket message (decode, check)", /agent-socket-server\.js:97/],
  ["ping sweep", /agent-socket-server\.js:137/],
  ["store transaction", /^transaction sqlite-store/],
  ["store listeners (after commit)", /^publish watch-hub/],
  ["SQLite (better-sqlite3)", /^sqliteTransaction /],
  ["garbage collector", /^\(garbage collector\)/],
  ["socket writes (TLS, syscalls)", /^(writev|writeBuffer|writeUtf8String|writeLatin1String)( |$)/],
];

function frameName(n: ProfileNode): string {
  const f = n.callFrame;
  const file = f.url ? path.basename(f.url.replace(/^file:\/\//, "")) : "";
  return `${f.functionName || "(anonymous)"}${file ? ` ${file}:${f.lineNumber + 1}` : ""}`;
}

const ms = (us: number): string => `${(us / 1000).toFixed(0)} ms`;

export function summarize(profile: Profile, windows: Window[], top: number, stepMs = 0): string {
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
  const componentsOf = (id: number): string[] =>
    COMPONENTS.filter(([, re]) => stackOf(id).some((f) => re.test(f))).map(([c]) => c);

  const out: string[] = [];
  for (const w of windows) {
    const self = new Map<string, number>();
    const comp = new Map<string, number>();
    type Run = { us: number; comp: Map<string, number>; self: Map<string, number> };
    const runs: Run[] = [];
    let run: Run | undefined;
    const steps: Map<string, number>[] = [];
    const slow = (w.slow ?? []).map((x) => ({ ...x, busy: 0, comp: new Map<string, number>() }));
    const stepBusy: number[] = [];
    let t = profile.startTime;
    let total = 0;
    profile.samples.forEach((id, i) => {
      t += profile.timeDeltas[i] ?? 0;
      if (t < w.fromUs || t > w.toUs) return;
      const d = profile.timeDeltas[i + 1] ?? 0;
      const name = frameName(byId.get(id)!);
      if (name.startsWith("(idle)")) {
        if (run) runs.push(run);
        run = undefined;
        return;
      }
      total += d;
      self.set(name, (self.get(name) ?? 0) + d);
      run ??= { us: 0, comp: new Map(), self: new Map() };
      run.us += d;
      run.self.set(name, (run.self.get(name) ?? 0) + d);
      for (const x of slow) {
        if (t < x.fromUs || t > x.toUs) continue;
        x.busy += d;
        for (const c of componentsOf(id)) x.comp.set(c, (x.comp.get(c) ?? 0) + d);
      }
      const step = stepMs > 0 ? Math.floor((t - w.fromUs) / (stepMs * 1000)) : 0;
      stepBusy[step] = (stepBusy[step] ?? 0) + d;
      const inStep = (steps[step] ??= new Map());
      for (const c of componentsOf(id)) {
        comp.set(c, (comp.get(c) ?? 0) + d);
        run.comp.set(c, (run.comp.get(c) ?? 0) + d);
        inStep.set(c, (inStep.get(c) ?? 0) + d);
      }
    });
    if (run) runs.push(run);
    const share = (v: number, of: number): string => `${((v / Math.max(1, of)) * 100).toFixed(1)}%`;
    const longest = runs.sort((a, b) => b.us - a.us).slice(0, 8);
    out.push(
      `### ${w.name}: ${ms(total)} busy in ${ms(w.toUs - w.fromUs)}`,
      "",
      "| component | time | share of busy |",
      "|---|---|---|",
      ...COMPONENTS.filter(([c]) => comp.has(c)).map(
        ([c]) => `| ${c} | ${ms(comp.get(c)!)} | ${share(comp.get(c)!, total)} |`,
      ),
      "",
      "longest stretches without a pause (the API waits this long):",
      "",
      ...longest.map(
        (r) =>
          `- ${ms(r.us)}: ` +
          [...r.comp]
            .filter(([c]) => !c.startsWith("  ") && !/^(store|SQLite|garbage|socket)/.test(c))
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([c, v]) => `${c} ${ms(v)}`)
            .join(", ") +
          `; most self time: ${[...r.self]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 2)
            .map(([f, v]) => `${f} ${ms(v)}`)
            .join(", ")}`,
      ),
      "",
      "| self time | share | function |",
      "|---|---|---|",
      ...[...self]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => `| ${ms(v)} | ${share(v, total)} | \`${k}\` |`),
      "",
    );
    if (slow.length > 0) {
      out.push("the slowest API answers, and what the server did while each waited:", "");
      for (const x of slow) {
        const doing = [...x.comp]
          .filter(([c]) => !c.startsWith("  "))
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([c, v]) => `${c} ${ms(v)}`)
          .join(", ");
        out.push(
          `- at ${((x.fromUs - w.fromUs) / 1e6).toFixed(2)} s, ${x.ms} ms (busy ${ms(x.busy)}): ${doing}`,
        );
      }
      out.push("");
    }
    if (stepMs > 0) out.push(...timeline(steps, stepBusy, stepMs), "");
  }
  return out.join("\n");
}

/** One line per step: how busy the server was and its three biggest components then. */
function timeline(steps: Map<string, number>[], busy: number[], stepMs: number): string[] {
  const lines = ["| from | busy | doing |", "|---|---|---|"];
  for (let i = 0; i < busy.length; i++) {
    const doing = [...(steps[i] ?? new Map<string, number>())]
      .filter(([c]) => !c.startsWith("  ") && !/^(store|SQLite|socket)/.test(c))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([c, v]) => `${c} ${ms(v)}`)
      .join(", ");
    lines.push(
      `| ${((i * stepMs) / 1000).toFixed(2)} s | ${(((busy[i] ?? 0) / (stepMs * 1000)) * 100).toFixed(0)}% | ${doing} |`,
    );
  }
  return lines;
}

/**
 * The files named, in any order: the run's JSON and the server's profiles. `--cpu-prof` writes
 * one per thread (the main thread's and the WAL checkpointer's); the largest is the main one.
 */
function pickFiles(args: string[]): { profileFile: string; runFile: string } {
  const runFile = args.find((a) => a.endsWith(".json"));
  const profiles = args.filter((a) => a.endsWith(".cpuprofile"));
  if (!runFile || profiles.length === 0)
    throw new Error(
      "usage: profile-summary <profile.cpuprofile>... <fleet-N.json> [--top N] [--timeline MS]",
    );
  const profileFile = profiles.reduce((a, b) => (statSync(b).size > statSync(a).size ? b : a));
  if (profiles.length > 1)
    process.stderr.write(`reading ${path.basename(profileFile)}, the largest profile\n`);
  return { profileFile, runFile };
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const { profileFile, runFile } = pickFiles(args);
  const top = flag("--top", 25);
  const stepMs = flag("--timeline", 0);
  const profile = JSON.parse(readFileSync(profileFile, "utf8")) as Profile;
  const run = JSON.parse(readFileSync(runFile, "utf8")) as FleetRun;
  const anchor = run.clockAnchor;
  if (!anchor) throw new Error("the run has no clock anchor");
  const toUs = (epochMs: number): number => anchor.monoUs + (epochMs - anchor.epochMs) * 1000;
  const windows: Window[] = [];
  for (const p of run.phases) {
    windows.push({ name: p.name, fromUs: toUs(p.startedAt), toUs: toUs(p.startedAt + p.ms) });
  }
  run.cycles.forEach((c, i) => {
    for (const p of Object.values(c)) {
      if (p?.result)
        windows.push({
          name: `${p.name} #${i + 1}`,
          fromUs: toUs(p.result.startedAt),
          toUs: toUs(p.result.endedAt),
          slow: [...(p.version.slowest ?? []), ...(p.table.slowest ?? [])]
            .sort((a, b) => b.ms - a.ms)
            .slice(0, 5)
            .map((x) => ({ fromUs: toUs(x.at), toUs: toUs(x.at + x.ms), ms: x.ms })),
        });
    }
  });
  process.stdout.write(summarize(profile, windows, top, stepMs));
}

main();
