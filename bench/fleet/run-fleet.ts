// `npm run bench:fleet -- --nodes 10000`: a fresh `everynode server --no-agent`, a simulated
// fleet in other processes, and the numbers of the table: register, connect,
// DaemonSet create / update / delete to the last node, numberReady after the last status,
// the API's worst latency meanwhile, idle CPU, RSS. Writes bench/results/fleet-<N>.json
// and .md and rebuilds the combined table bench/results/fleet.md. It waits for a quiet
// machine first and records the load, since these machines are shared.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseFlags, type FlagSpec } from "../../shared/flags.js";
import { countObjects, type ApiClient } from "./api-client.js";
import { ApiProbe } from "./api-probe.js";
import { diagnosticFlags, serverReport } from "./diagnostics.js";
import { Fleet, planNodes } from "./fleet.js";
import { ProcSampler, waitForQuietMachine } from "./proc.js";
import { combinedTable, runMarkdown, type FleetRun, type MeasuredPhase, type StoreCounts } from "./report.js";
import { imageFor, runPhase, type PhaseKind } from "./scenario.js";
import { REPO_ROOT, ServerProcess } from "./server-process.js";
import { machineFacts, numberFlag, say } from "./run-common.js";

const FLAGS: FlagSpec[] = [
  { name: "nodes", type: "string", default: "1000", description: "simulated nodes" },
  { name: "processes", type: "string", description: "simulator processes (default: one per 5,000 nodes)" },
  { name: "cycles", type: "string", default: "1", description: "create/update/delete cycles" },
  {
    name: "startup-ms",
    type: "string",
    default: "0",
    description: "simulated container start (Pending first)",
  },
  { name: "failure-rate", type: "string", default: "0", description: "share of pods that crash-loop" },
  { name: "register-concurrency", type: "string", default: "64", description: "registrations in flight" },
  { name: "connect-concurrency", type: "string", default: "128", description: "first connections in flight" },
  { name: "idle-seconds", type: "string", default: "30", description: "heartbeat-only window measured" },
  {
    name: "rest-seconds",
    type: "string",
    default: "30",
    description: "pause before RSS at rest is read (V8 gives a burst's heap back ~15-20 s after it)",
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
  { name: "cpu-prof", type: "boolean", default: false, description: "write a CPU profile of the server" },
  {
    name: "sim-cpu-prof",
    type: "boolean",
    default: false,
    description: "write CPU profiles of the simulators (in <out>/fleet-N-sim-profile)",
  },
  {
    name: "heap-snapshot",
    type: "boolean",
    default: false,
    description: "heap snapshot of the server at rest",
  },
  {
    name: "server-node-args",
    type: "string",
    default: "",
    description: "extra node flags for the server, space-separated (e.g. V8 heap settings)",
  },
  {
    name: "server-args",
    type: "string",
    default: "",
    description: "extra everynode server flags, space-separated (e.g. --max-heartbeats-per-second 0)",
  },
  { name: "phase-timeout", type: "string", default: "180", description: "seconds a phase may take" },
  { name: "out", type: "string", description: "results directory (default bench/results)" },
  { name: "label", type: "string", default: "", description: "suffix of the result files" },
  { name: "seed", type: "string", default: "1", description: "random seed" },
  { name: "keep", type: "boolean", default: false, description: "keep the server's data dir" },
];

/** What the store holds at rest: objects per kind and the SQLite files' size. */
async function storeCounts(api: ApiClient, dataDir: string): Promise<StoreCounts> {
  const size = (f: string): number => {
    try {
      return statSync(path.join(dataDir, f)).size;
    } catch {
      return 0;
    }
  };
  return {
    events: (await countObjects(api, "/api/v1/events")) ?? 0,
    pods: (await countObjects(api, "/api/v1/pods")) ?? 0,
    controllerRevisions: (await countObjects(api, "/apis/apps/v1/controllerrevisions")) ?? 0,
    dbBytes: size("everynode.db"),
    walBytes: size("everynode.db-wal"),
  };
}

/** Whether `p` settled within `ms`. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}

/** The soft limit on open files of a process (each agent connection holds one). */
function maxOpenFiles(pid: number): number {
  const limits = readFileSync(`/proc/${pid}/limits`, "utf8");
  return Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? 0);
}

/** Waits until a heap snapshot file in `dir` stops growing (writing one takes a while). */
async function waitForHeapSnapshot(dir: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const f = readdirSync(dir).find((x) => x.endsWith(".heapsnapshot"));
    const size = f ? statSync(path.join(dir, f)).size : -1;
    if (size > 0 && size === last) return;
    last = size;
  }
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  const n = numberFlag(values, "nodes");
  const processes = values.processes ? numberFlag(values, "processes") : Math.max(1, Math.ceil(n / 5000));
  const cycles = numberFlag(values, "cycles");
  const outDir = path.resolve(String(values.out ?? path.join(REPO_ROOT, "bench/results")));
  const label = values.label ? `-${String(values.label)}` : "";
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), "everynode-fleet-"));

  const quiet = values["wait-quiet"]
    ? await waitForQuietMachine(
        numberFlag(values, "max-load"),
        numberFlag(values, "quiet-timeout") * 1000,
        say,
      )
    : { waitedMs: 0, loadBefore: os.loadavg(), loadAfter: os.loadavg(), quiet: false };

  const profDir = path.join(outDir, `fleet-${n}${label}-profile`);
  const simProfDir = path.join(outDir, `fleet-${n}${label}-sim-profile`);
  if (values["sim-cpu-prof"]) mkdirSync(simProfDir, { recursive: true });
  const heapSnapshot = values["heap-snapshot"] === true;
  const diagDir = heapSnapshot ? profDir : path.join(work, "diagnostics");
  const nodeArgs = diagnosticFlags(diagDir, heapSnapshot);
  if (values["cpu-prof"]) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${profDir}`);
  nodeArgs.push(
    ...String(values["server-node-args"] ?? "")
      .split(" ")
      .filter(Boolean),
  );
  mkdirSync(diagDir, { recursive: true });
  if (values["cpu-prof"]) mkdirSync(profDir, { recursive: true });
  const serverArgs = String(values["server-args"] ?? "")
    .split(" ")
    .filter(Boolean);
  const server = new ServerProcess({
    dataDir: path.join(work, "server"),
    port: 0,
    logFile: path.join(work, "server.log"),
    nodeArgs,
    serverArgs,
  });
  say(`starting the server (${work})`);
  const info = await server.start();
  const nodes = planNodes(n);
  const simOptions = {
    startupMs: numberFlag(values, "startup-ms"),
    failureRate: numberFlag(values, "failure-rate"),
    registerConcurrency: Math.max(1, Math.round(numberFlag(values, "register-concurrency") / processes)),
    connectConcurrency: Math.max(1, Math.round(numberFlag(values, "connect-concurrency") / processes)),
    seed: numberFlag(values, "seed"),
  };
  const fleet = await Fleet.start({
    processes,
    nodes,
    server: info.url,
    joinToken: info.joinToken,
    options: simOptions,
    nodeArgs: values["sim-cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${simProfDir}`] : [],
  });
  const sampler = new ProcSampler(
    () => server.pid,
    () => fleet.pids,
  );
  const probe = new ApiProbe(() => server.api);
  sampler.start();
  probe.start();
  const measured = (
    name: string,
    from: number,
    to: number,
    extra: Partial<MeasuredPhase> = {},
  ): MeasuredPhase => {
    sampler.sample(); // a sample at the phase's end, for short phases
    return {
      name,
      startedAt: from,
      ms: to - from,
      ...sampler.window(from, to),
      version: probe.summary("version", from, to),
      table: probe.summary("table", from, to),
      probeLagMs: probe.lagMax(from, to),
      ...extra,
    };
  };

  const run: FleetRun = {
    kind: "fleet",
    date: new Date().toISOString(),
    clockAnchor: { epochMs: Date.now(), monoUs: Number(process.hrtime.bigint() / 1000n) },
    machine: machineFacts(),
    quiet,
    config: {
      nodes: n,
      eligible: fleet.eligible,
      processes,
      cycles,
      ...simOptions,
      label: String(values.label ?? ""),
      serverArgs,
    },
    phases: [],
    cycles: [],
    restRssBytes: [],
    storeAtRest: [],
    heapAtRest: [],
  };
  try {
    run.serverMaxOpenFiles = maxOpenFiles(server.pid);
    // One descriptor per connected node: past the limit the run would only wait for nodes that
    // cannot connect (the server refuses them and lives on; this machine's hard limit may be
    // below what a root shell may raise it to).
    if (run.serverMaxOpenFiles < n + 256)
      throw new Error(
        `the server may open only ${run.serverMaxOpenFiles} files, too few for ${n} connected nodes: ` +
          `raise the hard limit (ulimit -Hn) or run at most ${run.serverMaxOpenFiles - 256} nodes`,
      );
    // Joining may take long, but not forever: a fleet that cannot all join is a result too.
    const joinTimeoutMs = Math.max(600_000, n * 40);
    say(`registering ${n} nodes`);
    let t = Date.now();
    if (!(await within(fleet.all({ cmd: "register" }), joinTimeoutMs)))
      throw new Error(`registration did not finish in ${joinTimeoutMs / 1000}s`);
    run.phases.push(measured("register", t, Date.now()));
    sampler.sample();
    const rssBeforeConnect = sampler.serverRss();
    say(`connecting ${n} nodes`);
    t = Date.now();
    const allConnected = await within(fleet.all({ cmd: "connect" }), joinTimeoutMs);
    run.phases.push(measured("connect", t, Date.now()));
    if (!allConnected) {
      const s = await fleet.stats();
      throw new Error(`only ${s.connected} of ${n} nodes connected in ${joinTimeoutMs / 1000}s`);
    }
    await new Promise((r) => setTimeout(r, 5_000));
    sampler.sample();
    run.perConnectionRssBytes = Math.round((sampler.serverRss() - rssBeforeConnect) / n);
    run.heapConnected = await serverReport(server.pid, diagDir);
    const idleSeconds = numberFlag(values, "idle-seconds");
    if (idleSeconds > 0) {
      // A fleet past the server's heartbeat cap hears a longer interval at its next heartbeat:
      // the window measures the steady state, once every node heartbeats at one interval.
      const settling = Date.now();
      let settled = false;
      while (!(settled = Object.keys((await fleet.stats()).heartbeatIntervals).length <= 1)) {
        if (Date.now() - settling > 90_000) break;
        await new Promise((r) => setTimeout(r, 1_000));
      }
      run.paceSettle = { ms: Date.now() - settling, settled };
      say(`idle for ${idleSeconds}s (heartbeats only, no API probes)`);
      const before = await fleet.stats();
      probe.paused = true;
      t = Date.now();
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      probe.paused = false;
      const after = await fleet.stats();
      run.phases.push(
        measured("idle", t, Date.now(), {
          heartbeatsPerSecond: Math.round((after.heartbeatsSent - before.heartbeatsSent) / idleSeconds),
          heartbeatIntervals: after.heartbeatIntervals,
        }),
      );
    }
    const timeoutMs = numberFlag(values, "phase-timeout") * 1000;
    let version = 0;
    for (let c = 0; c < cycles; c++) {
      const cycle: Partial<Record<PhaseKind, MeasuredPhase>> = {};
      for (const kind of ["create", "update", "delete"] as const) {
        if (kind !== "delete") version++;
        say(`cycle ${c + 1}/${cycles}: ${kind}`);
        const r = await runPhase(fleet, server.api!, kind, imageFor(version), {
          timeoutMs,
          measureReady: simOptions.failureRate === 0,
        });
        cycle[kind] = measured(kind, r.startedAt, r.endedAt, { result: r });
        if (!r.done) say(`  not converged: ${r.missing} nodes missing, ${r.violations.length} violations`);
      }
      run.cycles.push(cycle);
      await new Promise((r) => setTimeout(r, numberFlag(values, "rest-seconds") * 1000));
      sampler.sample();
      run.restRssBytes.push(sampler.serverRss());
      run.storeAtRest.push(await storeCounts(server.api!, path.join(work, "server")));
      const heap = await serverReport(server.pid, diagDir);
      if (heap) run.heapAtRest.push(heap);
    }
    if (heapSnapshot) {
      say("writing a heap snapshot of the server (SIGTTIN)");
      process.kill(server.pid, "SIGTTIN");
      await waitForHeapSnapshot(profDir);
    }
    sampler.sample();
    run.serverPeakRssBytes = sampler.samples[sampler.samples.length - 1]?.server.hwmBytes ?? 0;
    run.sim = await fleet.stats();
    say("stopping the server (SIGTERM) with the fleet connected");
    run.shutdown = await server.stop();
  } catch (e) {
    run.failure = (e as Error).message;
    say(`the run stopped: ${run.failure}`);
    run.sim = await fleet.stats().catch(() => undefined);
  } finally {
    probe.stop();
    sampler.stop();
    await fleet.stop();
    await server.stop().catch(() => {});
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
  run.simCpuSeconds = run.sim ? Math.round((run.sim.cpuUserUs + run.sim.cpuSystemUs) / 1e6) : 0;
  const base = path.join(outDir, `fleet-${n}${label}`);
  writeFileSync(`${base}.json`, JSON.stringify(run, null, 2) + "\n");
  writeFileSync(`${base}.md`, runMarkdown(run));
  writeFileSync(path.join(outDir, "fleet.md"), combinedTable(outDir));
  process.stdout.write(runMarkdown(run));
  say(`written to ${path.relative(process.cwd(), base)}.json and .md`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
