// The fleet simulator at 200 nodes against a real `everynode server` process: the same
// runners as `npm run bench:fleet` and `npm run bench:faults`, judged by counts and states
// (every node registered, connected, told its pod, Ready counted, nothing doubled, nothing
// lost after kill -9), never by times: the times are the benchmark's business.

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cluster.js";

const NODES = 200;
const ELIGIBLE = 180; // the benchmark's DaemonSet selects 9 nodes in 10
const out = mkdtempSync(path.join(os.tmpdir(), "everynode-fleet-test-"));

afterAll(() => rmSync(out, { recursive: true, force: true }));

function runner(script: string, args: string[]): Promise<{ code: number; stderr: string }> {
  const file = path.join(REPO_ROOT, "dist/bench/fleet", script);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd: REPO_ROOT, timeout: 110_000, maxBuffer: 16 << 20 },
      (err, _stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr: String(stderr) }),
    );
  });
}

function readJson(name: string): any {
  return JSON.parse(readFileSync(path.join(out, name), "utf8"));
}

describe("the fleet simulator", () => {
  it("registers and connects 200 nodes, and every eligible node is told its pod through create, update and delete", async () => {
    const r = await runner("run-fleet.js", [
      "--nodes",
      String(NODES),
      "--no-wait-quiet",
      // A cap of 20 heartbeats a second paces 200 agents to one every 10 s; the idle window
      // outlasts the interval they first got, so each has heartbeated since all connected.
      "--server-args",
      "--max-heartbeats-per-second 20 --heartbeat-interval 2s",
      "--idle-seconds",
      "12",
      "--rest-seconds",
      "0",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const run = readJson(`fleet-${NODES}.json`);
    expect(run.config.eligible).toBe(ELIGIBLE);
    expect(run.sim.registrations).toBe(NODES);
    expect(run.sim.connected).toBe(NODES);
    expect(run.sim.duplicates).toBe(0);
    // Every simulated agent was told the paced interval, by its welcome or a pace message.
    const idle = run.phases.find((p: { name: string }) => p.name === "idle");
    expect(idle.heartbeatIntervals).toEqual({ "10": NODES });
    const cycle = run.cycles[0];
    for (const kind of ["create", "update", "delete"]) {
      const res = cycle[kind].result;
      expect({
        kind,
        status: res.apiStatus,
        done: res.done,
        met: res.met,
        missing: res.missing,
        violations: res.violations,
      }).toEqual({
        kind,
        status: kind === "create" ? 201 : 200,
        done: true,
        met: ELIGIBLE,
        missing: 0,
        violations: [],
      });
    }
    // numberReady reached every eligible node, counted from the simulated Ready statuses.
    expect(cycle.create.result.readyMs).toBeGreaterThan(0);
    expect(cycle.update.result.readyMs).toBeGreaterThan(0);
    // Each node got its pod once and its replacement once; the ineligible ones got nothing.
    expect(run.sim.statusesSent).toBeGreaterThanOrEqual(2 * ELIGIBLE);
    expect(run.shutdown.exitedByItself).toBe(true);
    expect(readFileSync(path.join(out, "fleet.md"), "utf8")).toContain("| 200 |");
  });

  it("loses nothing and doubles nothing when the control plane is killed -9 during create, update and delete, and survives churn", async () => {
    const r = await runner("run-faults.js", [
      "--nodes",
      String(NODES),
      "--kills",
      "3",
      "--churn-minutes",
      "0.25",
      "--no-wait-quiet",
      "--out",
      out,
    ]);
    const run = readJson(`faults-${NODES}.json`);
    expect(run.failures).toEqual([]);
    expect(r.code, r.stderr).toBe(0);
    expect(run.kills.map((k: any) => k.kind)).toEqual(["create", "update", "delete"]);
    for (const k of run.kills) {
      expect(k.problems).toEqual([]);
      expect(k.convergedMs).toBeGreaterThan(0);
      // Agents came back on their own credentials: nobody had to register again.
      expect(k.reRegistrations).toBe(0);
      expect(k.attempts).toBeGreaterThanOrEqual(NODES);
    }
    expect(run.churn.drops).toBeGreaterThan(0);
    expect(run.churn.reconnected).toBe(NODES);
    expect(run.churn.problems).toEqual([]);
  });
});
