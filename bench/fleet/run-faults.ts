// `npm run bench:faults`: the control plane under faults at fleet scale (1,000 nodes by
// default). kill -9 at random moments of create, rollout and delete (faults-kill.ts), then
// churn of a tenth of the agents (faults-churn.ts). Writes bench/results/faults-<N>.json
// and .md; exits 1 when an acknowledged object was lost, a node was told to run two pods of
// one DaemonSet, or the fleet did not converge.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseFlags, type FlagSpec } from "../../shared/flags.js";
import { runChurn, type ChurnResult } from "./faults-churn.js";
import { runKills, type KillResult } from "./faults-kill.js";
import { Fleet, planNodes } from "./fleet.js";
import { waitForQuietMachine, type QuietWait } from "./proc.js";
import { machineFacts, numberFlag, say, type MachineFacts } from "./run-common.js";
import { imageFor, runPhase, type PhaseKind } from "./scenario.js";
import { REPO_ROOT, ServerProcess } from "./server-process.js";
import { fmtBytes, fmtMs, max, seededRandom } from "./stats.js";

const FLAGS: FlagSpec[] = [
  { name: "nodes", type: "string", default: "1000", description: "simulated nodes" },
  { name: "kills", type: "string", default: "20", description: "kill -9 of the server (0: none)" },
  { name: "churn-minutes", type: "string", default: "10", description: "minutes of agent churn (0: none)" },
  { name: "processes", type: "string", description: "simulator processes (default: one per 5,000 nodes)" },
  {
    name: "converge-timeout",
    type: "string",
    default: "60",
    description: "seconds to converge after a restart",
  },
  {
    name: "max-load",
    type: "string",
    default: "1",
    description: "wait until the 1-min load is at most this",
  },
  {
    name: "quiet-timeout",
    type: "string",
    default: "600",
    description: "seconds to wait for a quiet machine",
  },
  {
    name: "wait-quiet",
    type: "boolean",
    default: true,
    description: "wait for a quiet machine (--no-wait-quiet)",
  },
  { name: "out", type: "string", description: "results directory (default bench/results)" },
  { name: "seed", type: "string", default: "1", description: "random seed (kill moments, churn)" },
  { name: "keep", type: "boolean", default: false, description: "keep the server's data dir" },
];

export interface FaultsRun {
  kind: "faults";
  date: string;
  machine: MachineFacts;
  quiet: QuietWait;
  config: { nodes: number; eligible: number; kills: number; churnMinutes: number; seed: number };
  /** The clean cycle that set the kill windows. */
  windows: Record<PhaseKind, number>;
  kills: KillResult[];
  churn?: ChurnResult;
  /** Everything that went wrong; empty when the run passed. */
  failures: string[];
}

function markdown(r: FaultsRun): string {
  const lines = [
    `## everynode under faults: ${r.config.nodes.toLocaleString("en-US")} nodes`,
    "",
    `${r.date} · ${r.machine.cpus} × ${r.machine.model} · load at start ${r.quiet.loadAfter.join(" / ")} · seed ${r.config.seed}`,
    "",
    `**${r.failures.length === 0 ? "PASS" : "FAIL"}**${r.failures.length ? `: ${r.failures.join("; ")}` : ""}`,
    "",
  ];
  if (r.kills.length > 0) {
    const conv = r.kills.map((k) => k.convergedMs ?? Infinity);
    lines.push(
      `kill -9 ×${r.kills.length}: converged after the restart in at most ${fmtMs(max(conv))} (goal ≤ 5 s); ` +
        `duplicates ${r.kills[r.kills.length - 1]?.duplicatesSoFar ?? 0}; re-registrations ${r.kills.reduce((s, k) => s + k.reRegistrations, 0)}`,
      "",
      "| # | during | killed after | call | redone | restart | converged after restart | reconnect attempts | busiest 100 ms | half / 99% of attempts by | problems |",
      "|---|---|---|---|---|---|---|---|---|---|---|",
      ...r.kills.map(
        (k) =>
          `| ${k.n} | ${k.kind} | ${k.killAfterMs} ms | ${k.callStatus || "no answer"} | ${k.redone ? "yes" : ""} | ${fmtMs(k.restartMs)} | ` +
          `${fmtMs(k.convergedMs)} | ${k.attempts} | ${k.peakAttemptsPer100ms} | ${fmtMs(k.attemptsP50Ms)} / ${fmtMs(k.attemptsP99Ms)} | ${k.problems.join("; ")} |`,
      ),
      "",
    );
  }
  if (r.churn) {
    const c = r.churn;
    lines.push(
      `churn ${c.minutes} min: ${c.drops} drops, ${c.reconnected} connected at the end; server descriptors ${c.fdsBefore} → ${c.fdsAfter}; ` +
        `RSS ${c.rssChangePct}% from the end of the warm-up to the end (range ${c.rssRangePct}%): ` +
        c.series.map((x) => `${x.s}s ${fmtBytes(x.rssBytes)}`).join(", "),
      "",
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  const n = numberFlag(values, "nodes");
  const seed = numberFlag(values, "seed");
  const random = seededRandom(seed);
  const outDir = path.resolve(String(values.out ?? path.join(REPO_ROOT, "bench/results")));
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), "everynode-faults-"));
  const quiet = values["wait-quiet"]
    ? await waitForQuietMachine(
        numberFlag(values, "max-load"),
        numberFlag(values, "quiet-timeout") * 1000,
        say,
      )
    : { waitedMs: 0, loadBefore: os.loadavg(), loadAfter: os.loadavg(), quiet: false };
  const server = new ServerProcess({
    dataDir: path.join(work, "server"),
    port: 0,
    logFile: path.join(work, "server.log"),
  });
  const info = await server.start();
  const processes = values.processes ? numberFlag(values, "processes") : Math.max(1, Math.ceil(n / 5000));
  const fleet = await Fleet.start({
    processes,
    nodes: planNodes(n),
    server: info.url,
    joinToken: info.joinToken,
    options: { startupMs: 0, failureRate: 0, registerConcurrency: 32, connectConcurrency: 64, seed },
  });
  const run: FaultsRun = {
    kind: "faults",
    date: new Date().toISOString(),
    machine: machineFacts(),
    quiet,
    config: {
      nodes: n,
      eligible: fleet.eligible,
      kills: numberFlag(values, "kills"),
      churnMinutes: numberFlag(values, "churn-minutes"),
      seed,
    },
    windows: { create: 0, update: 0, delete: 0 },
    kills: [],
    failures: [],
  };
  try {
    say(`registering and connecting ${n} nodes`);
    await fleet.all({ cmd: "register" });
    await fleet.all({ cmd: "connect" });
    // A clean cycle first: how long each phase takes here sets the window the kills fall in.
    let version = 0;
    for (const kind of ["create", "update", "delete"] as const) {
      if (kind !== "delete") version++;
      const r = await runPhase(fleet, server.api!, kind, imageFor(version), {
        timeoutMs: 120_000,
        measureReady: true,
      });
      if (!r.done) throw new Error(`the clean ${kind} did not converge`);
      run.windows[kind] = Math.max(300, Math.round(1.5 * Math.max(r.lastMs, r.readyMs ?? 0)));
    }
    say(`kill windows: ${JSON.stringify(run.windows)}`);
    if (run.config.kills > 0) {
      run.kills = await runKills({
        server,
        fleet,
        kills: run.config.kills,
        windows: run.windows,
        random,
        convergeTimeoutMs: numberFlag(values, "converge-timeout") * 1000,
        say,
        firstVersion: version,
      });
      version += run.kills.filter((k) => k.kind !== "delete").length;
    }
    if (run.config.churnMinutes > 0) {
      // Churn with the DaemonSet in place, so that reconnecting agents get real sets.
      const image = imageFor(++version);
      const ds = await server.api!.getJson("/apis/apps/v1/namespaces/default/daemonsets/fleet");
      const r = await runPhase(fleet, server.api!, ds ? "update" : "create", image, {
        timeoutMs: 120_000,
        measureReady: true,
      });
      if (!r.done) throw new Error("the DaemonSet did not converge before the churn");
      run.churn = await runChurn({
        server,
        fleet,
        minutes: run.config.churnMinutes,
        desired: { exists: true, image },
        say,
      });
    }
  } catch (e) {
    run.failures.push(`the run stopped: ${(e as Error).message}`);
  } finally {
    await fleet.stop();
    await server.stop().catch(() => {});
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
  for (const k of run.kills) for (const p of k.problems) run.failures.push(`kill ${k.n} (${k.kind}): ${p}`);
  const duplicates = max([...run.kills.map((k) => k.duplicatesSoFar), run.churn?.duplicates ?? 0]);
  if (duplicates > 0)
    run.failures.push(`${duplicates} times a node was told to run two pods of one DaemonSet`);
  for (const p of run.churn?.problems ?? []) run.failures.push(`churn: ${p}`);
  const base = path.join(outDir, `faults-${n}`);
  writeFileSync(`${base}.json`, JSON.stringify(run, null, 2) + "\n");
  writeFileSync(`${base}.md`, markdown(run));
  process.stdout.write(markdown(run));
  say(`written to ${path.relative(process.cwd(), base)}.json and .md`);
  process.exitCode = run.failures.length === 0 ? 0 : 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
