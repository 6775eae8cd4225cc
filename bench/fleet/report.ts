// The fleet benchmark's results as people read them: one Markdown page per run and one
// table over every run in the results directory (1,000 / 3,000 / 10,000 / 30,000 nodes).

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ProbeSummary } from "./api-probe.js";
import type { HeapFacts } from "./diagnostics.js";
import type { CpuWindow, QuietWait } from "./proc.js";
import type { MachineFacts } from "./run-common.js";
import type { PhaseKind, PhaseResult } from "./scenario.js";
import type { SimStats } from "./sim-protocol.js";
import { fmtBytes, fmtMs, max } from "./stats.js";

export interface MeasuredPhase extends CpuWindow {
  name: string;
  startedAt: number;
  ms: number;
  version: ProbeSummary;
  table: ProbeSummary;
  probeLagMs: number;
  heartbeatsPerSecond?: number;
  /** Nodes by the heartbeat interval (seconds) the server gave them, at the window's end. */
  heartbeatIntervals?: Record<string, number>;
  result?: PhaseResult;
}

export interface StoreCounts {
  events: number;
  pods: number;
  controllerRevisions: number;
  dbBytes: number;
  walBytes: number;
}

export interface FleetRun {
  kind: "fleet";
  date: string;
  /** One instant on both clocks: epoch ms and the monotonic µs that CPU profiles count in. */
  clockAnchor?: { epochMs: number; monoUs: number };
  machine: MachineFacts;
  quiet: QuietWait;
  config: {
    nodes: number;
    eligible: number;
    processes: number;
    cycles: number;
    startupMs: number;
    failureRate: number;
    registerConcurrency: number;
    connectConcurrency: number;
    label: string;
    /** Extra server flags of the run (--server-args), when any. */
    serverArgs?: string[];
  };
  phases: MeasuredPhase[];
  cycles: Partial<Record<PhaseKind, MeasuredPhase>>[];
  restRssBytes: number[];
  /** How long the idle window waited for every node to heartbeat at one interval, and whether they did. */
  paceSettle?: { ms: number; settled: boolean };
  /** After each cycle, at rest. */
  storeAtRest: StoreCounts[];
  /** The server's heap and handles once the fleet connected, and at rest after each cycle. */
  heapConnected?: HeapFacts;
  heapAtRest: HeapFacts[];
  perConnectionRssBytes?: number;
  serverPeakRssBytes?: number;
  sim?: SimStats;
  simCpuSeconds?: number;
  shutdown?: { ms: number; exitedByItself: boolean; code: number | null };
  /** The server's open-file limit: one per connected agent. */
  serverMaxOpenFiles?: number;
  /** Why the run stopped early, if it did. */
  failure?: string;
}

function heapLine(h: HeapFacts | undefined): string {
  if (!h) return "–";
  return `${fmtBytes(h.heapUsedBytes)} / ${fmtBytes(h.heapCommittedBytes)} / ${fmtBytes(h.externalBytes)} (${h.handles.tcp ?? 0} TCP handles, ${h.handles.timer ?? 0} timer)`;
}

function phaseRow(p: MeasuredPhase): string {
  const r = p.result;
  const time = r
    ? `${fmtMs(r.lastMs)}${r.done ? "" : ` (NOT converged: ${r.missing} missing)`}`
    : fmtMs(p.ms);
  return [
    p.name,
    time,
    r ? fmtMs(r.medianMs) : "",
    r?.readyAfterLastStatusMs !== undefined ? fmtMs(r.readyAfterLastStatusMs) : "",
    `${fmtMs(p.version.maxMs)} (${p.version.over100} > 100 ms)`,
    `${fmtMs(p.table.maxMs)} (${p.table.over100} > 100 ms)`,
    `${p.serverCpu}%`,
    `${p.simCpu}%`,
    `${p.otherCpu}%`,
    fmtBytes(p.serverPeakRssBytes),
    String(p.load1),
  ].join(" | ");
}

function settleText(p: { ms: number; settled: boolean }): string {
  const after = `${(p.ms / 1000).toFixed(1)} s after connecting`;
  return p.settled
    ? `measured once they had one, ${after}`
    : `measured ${after}, their intervals still differing`;
}

/** The intervals most nodes were given, most common first (a growing fleet's can be many). */
function intervalsLine(byInterval: Record<string, number>): string {
  const common = Object.entries(byInterval).sort((a, b) => b[1] - a[1]);
  const shown = common.slice(0, 3).map(([s, n]) => `${s} s × ${n}`);
  if (common.length > 3) shown.push(`${common.length - 3} other intervals`);
  return shown.join(", ");
}

export function runMarkdown(run: FleetRun): string {
  const c = run.config;
  const lines = [
    `## everynode fleet: ${c.nodes.toLocaleString("en-US")} nodes (${c.eligible.toLocaleString("en-US")} eligible)${c.label ? ` [${c.label}]` : ""}`,
    "",
    `${run.date} · ${run.machine.cpus} × ${run.machine.model}, ${run.machine.memoryGb} GB, Node ${run.machine.node} · ` +
      `load before ${run.quiet.loadBefore.join(" / ")}, at start ${run.quiet.loadAfter.join(" / ")}${run.quiet.quiet ? "" : " (not quiet)"} · ` +
      `${c.processes} simulator process(es), startup ${c.startupMs} ms, failure rate ${c.failureRate}` +
      (c.serverArgs?.length ? ` · server flags \`${c.serverArgs.join(" ")}\`` : ""),
    "",
    "| phase | time (last node) | median node | Ready after last status | worst GET /version | worst get ds | server CPU | simulator CPU | other CPU | server RSS (max) | load 1m |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...run.phases.map((p) => `| ${phaseRow(p)} |`),
  ];
  if (run.failure)
    lines.splice(
      4,
      0,
      `**The run stopped early: ${run.failure}** (server open-file limit ${run.serverMaxOpenFiles ?? "?"})`,
      "",
    );
  run.cycles.forEach((cycle, i) => {
    for (const kind of ["create", "update", "delete"] as const) {
      const p = cycle[kind];
      if (p) lines.push(`| ${phaseRow({ ...p, name: `${kind} #${i + 1}` })} |`);
    }
  });
  const idle = run.phases.find((p) => p.name === "idle");
  lines.push(
    "",
    `- idle: server ${idle?.serverCpu ?? "–"}% of a core at ${idle?.heartbeatsPerSecond ?? "–"} heartbeats/s` +
      (idle?.heartbeatIntervals ? ` (nodes by interval: ${intervalsLine(idle.heartbeatIntervals)})` : "") +
      (run.paceSettle ? `, ${settleText(run.paceSettle)}` : ""),
    `- server RSS: peak ${fmtBytes(run.serverPeakRssBytes)}; at rest after each cycle ${run.restRssBytes.map(fmtBytes).join(", ")}; ` +
      `${fmtBytes(run.perConnectionRssBytes)} per connected node`,
    `- V8 heap used / committed / external: connected ${heapLine(run.heapConnected)}; at rest after each cycle ${run.heapAtRest.map(heapLine).join("; ")}`,
    `- store at rest after each cycle: ${run.storeAtRest
      .map(
        (s) =>
          `${s.events} events, ${s.pods} pods, ${s.controllerRevisions} revisions, SQLite ${fmtBytes(s.dbBytes)} + WAL ${fmtBytes(s.walBytes)}`,
      )
      .join("; ")}`,
    `- shutdown with the fleet connected: ${fmtMs(run.shutdown?.ms)}${run.shutdown && !run.shutdown.exitedByItself ? " (killed: did not exit)" : ""}`,
  );
  if (run.sim) {
    const s = run.sim;
    lines.push(
      `- fleet: ${s.registrations} registrations, ${s.connectAttempts} connection attempts (${s.reconnects} reconnects), ` +
        `${s.assignmentsReceived} assignment messages (${fmtBytes(s.assignmentBytes)}), ${s.statusesSent} statuses, ` +
        `duplicates ${s.duplicates}; simulator CPU ${run.simCpuSeconds ?? "–"} s in total, RSS ${fmtBytes(s.rssBytes)}`,
    );
  }
  return lines.join("\n") + "\n";
}

function readRuns(dir: string): FleetRun[] {
  const runs: FleetRun[] = [];
  for (const f of readdirSync(dir)) {
    if (!/^fleet-\d+.*\.json$/.test(f)) continue;
    try {
      const r = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as FleetRun;
      if (r.kind === "fleet") runs.push(r);
    } catch {
      // not a run
    }
  }
  return runs.sort((a, b) => a.config.nodes - b.config.nodes || a.date.localeCompare(b.date));
}

/** One row per run in `dir`: the issue's table. */
export function combinedTable(dir: string): string {
  const measured = readRuns(dir).map((r) => {
    const first = r.cycles[0] ?? {};
    const phase = (name: string): MeasuredPhase | undefined => r.phases.find((p) => p.name === name);
    const last = (k: PhaseKind): string => {
      const res = first[k]?.result;
      if (!res) return "–";
      return res.done ? fmtMs(res.lastMs) : `not converged (${res.missing})`;
    };
    const all = [...r.phases, ...r.cycles.flatMap((c) => Object.values(c))].filter(
      (p): p is MeasuredPhase => !!p,
    );
    const worst = (kind: "version" | "table"): number =>
      max(all.filter((p) => p.name !== "idle").map((p) => p[kind].maxMs));
    const loads = all.map((p) => p.load1);
    return [
      r.config.nodes.toLocaleString("en-US") +
        (r.config.label ? ` [${r.config.label}]` : "") +
        (r.failure ? ` — stopped: ${r.failure}` : ""),
      fmtMs(phase("register")?.ms),
      fmtMs(phase("connect")?.ms),
      `${last("create")} (${fmtMs(first.create?.result?.medianMs)})`,
      last("update"),
      last("delete"),
      fmtMs(first.create?.result?.readyAfterLastStatusMs),
      fmtMs(first.create?.version.maxMs),
      `${fmtMs(worst("version"))} / ${fmtMs(worst("table"))}`,
      `${phase("idle")?.serverCpu ?? "–"}%`,
      fmtBytes(r.serverPeakRssBytes),
      fmtBytes(r.restRssBytes[r.restRssBytes.length - 1]),
      fmtBytes(r.perConnectionRssBytes),
      fmtMs(r.shutdown?.ms),
      `${r.quiet.loadAfter[0] ?? "–"} / ${max(loads)}`,
      r.date.slice(0, 16).replace("T", " "),
    ].join(" | ");
  });
  const rows = mergeRows(previousRows(dir), measured);
  return [
    "# everynode fleet benchmark",
    "",
    "Simulated agents (real registration and WebSocket protocol, other processes) against `everynode server --no-agent`; one DaemonSet eligible on 90% of nodes. Times to the last node; load is the 1-minute average at start / highest during the run.",
    "",
    "| nodes | register | connect | create → last (median) | update → last | delete → last | Ready after last status | worst GET /version during create | worst /version / get ds, any phase | idle CPU | peak RSS | RSS at rest | RSS per node | shutdown | load | date |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r} |`),
    "",
  ].join("\n");
}

/** The rows of the combined table already written (their JSON is not committed, so they are kept from it). */
function previousRows(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(path.join(dir, "fleet.md"), "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => /^\| [\d,]+/.test(l))
    .map((l) => l.slice(2, -2));
}

/** Earlier rows in their order, a row measured again in its place, new rows at the end. */
function mergeRows(previous: string[], measured: string[]): string[] {
  const key = (row: string): string => row.split(" | ")[0] ?? row;
  const fresh = new Map(measured.map((r) => [key(r), r]));
  const merged = previous.map((r) => fresh.get(key(r)) ?? r);
  const seen = new Set(previous.map(key));
  return [...merged, ...measured.filter((r) => !seen.has(key(r)))];
}
