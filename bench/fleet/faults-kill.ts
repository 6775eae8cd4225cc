// kill -9 of the control plane at random moments of a create, a rollout or a delete, then a
// restart on the same data dir and port. After each: what the API acknowledged is all there
// (faults-checks.ts), no node was ever told to run two pods of one DaemonSet (the
// simulators watch every set they get), the fleet converged (every node holds what it must
// and the status counts every pod Ready), how soon after the restart, and how the agents
// came back (connection attempts per 100 ms: a herd shows as one tall bucket).

import type { DaemonSet } from "../../shared/api-types.js";
import { checkObjects, type DesiredState } from "./faults-checks.js";
import type { Fleet } from "./fleet.js";
import { DS_NAME, imageFor, mergeWaits, phaseCall, waitReady, type PhaseKind } from "./scenario.js";
import type { ServerProcess } from "./server-process.js";
import type { WaitResult } from "./sim-protocol.js";
import { max, round } from "./stats.js";

export interface KillResult {
  n: number;
  kind: PhaseKind;
  /** How long after the API call the server was killed, and whether the call had been answered. */
  killAfterMs: number;
  callStatus: number;
  /** The call had no answer: after the restart it was checked and made again if it had not happened. */
  redone: boolean;
  restartMs: number;
  /** From the restart (spawn) until every node holds its set and the status counts them Ready. */
  convergedMs?: number;
  problems: string[];
  duplicatesSoFar: number;
  reRegistrations: number;
  /** Connection attempts in the busiest 100 ms after the kill, and in all. */
  peakAttemptsPer100ms: number;
  attempts: number;
  /** Attempts spread: from the kill, when half and when 99% of them had been made. */
  attemptsP50Ms: number;
  attemptsP99Ms: number;
}

const DS_PATH = `/apis/apps/v1/namespaces/default/daemonsets/${DS_NAME}`;

function attemptsAfter(
  buckets: Record<string, number>,
  from: number,
  to: number,
): { peak: number; total: number; p50: number; p99: number } {
  const entries = Object.entries(buckets)
    .map(([b, c]) => [Number(b) * 100, c] as const)
    .filter(([t]) => t >= from - 100 && t <= to)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, c]) => s + c, 0);
  let seen = 0;
  let p50 = 0;
  let p99 = 0;
  for (const [t, c] of entries) {
    seen += c;
    if (!p50 && seen >= total * 0.5) p50 = t - from;
    if (!p99 && seen >= total * 0.99) p99 = t - from;
  }
  return { peak: max(entries.map(([, c]) => c)), total, p50: Math.max(0, p50), p99: Math.max(0, p99) };
}

/** Makes the phase's change again if the killed call had not made it. */
async function redoIfNeeded(server: ServerProcess, kind: PhaseKind, image: string): Promise<boolean> {
  const api = server.api!;
  const ds = await api.getJson<DaemonSet>(DS_PATH);
  const needed =
    (kind === "create" && !ds) ||
    (kind === "update" && ds?.spec.template.spec.containers[0]?.image !== image) ||
    (kind === "delete" && !!ds);
  if (needed) {
    const status = await phaseCall(api, kind, image);
    if (status < 200 || status >= 300)
      throw new Error(`redoing the ${kind} after the restart answered ${status}`);
  }
  return needed;
}

export async function runKills(o: {
  server: ServerProcess;
  fleet: Fleet;
  kills: number;
  windows: Record<PhaseKind, number>;
  random: () => number;
  convergeTimeoutMs: number;
  say: (s: string) => void;
  firstVersion: number;
}): Promise<KillResult[]> {
  const { server, fleet } = o;
  const results: KillResult[] = [];
  let version = o.firstVersion;
  let desired: DesiredState = { exists: false };
  for (let k = 0; k < o.kills; k++) {
    const kind = (["create", "update", "delete"] as const)[k % 3] as PhaseKind;
    if (kind !== "delete") version++;
    const image = imageFor(version);
    const key = `kill-${k}`;
    await fleet.all({
      cmd: "arm",
      expectation: kind === "delete" ? { key, daemonSet: DS_NAME } : { key, daemonSet: DS_NAME, image },
    });
    const before = await fleet.stats();
    const t0 = Date.now();
    let callStatus = -1;
    const call = phaseCall(server.api!, kind, image).then((s) => (callStatus = s));
    const delay = Math.round(o.random() * o.windows[kind]);
    await new Promise((r) => setTimeout(r, delay));
    const killAt = Date.now();
    await server.kill9();
    await call;
    const answered = callStatus >= 200 && callStatus < 300;
    o.say(
      `kill ${k + 1}/${o.kills}: ${kind}, ${killAt - t0} ms after the call (${answered ? `answered ${callStatus}` : "unanswered"})`,
    );
    await server.start();
    const restartMs = server.readyAt - server.spawnedAt;
    let redone = false;
    if (!answered) redone = await redoIfNeeded(server, kind, image);
    desired = kind === "delete" ? { exists: false } : { exists: true, image };
    const deadline = server.spawnedAt + o.convergeTimeoutMs;
    const ready =
      kind === "delete"
        ? Promise.resolve(Date.now())
        : waitReady(() => server.api, fleet.eligible, image, deadline);
    const wait = mergeWaits(
      await fleet.all<WaitResult>({ cmd: "wait", key, timeoutMs: Math.max(0, deadline - Date.now()) }),
    );
    const readyAt = await ready;
    await fleet.all({ cmd: "disarm", key });
    const problems = await checkObjects(server.api!, fleet.nodes, desired);
    if (!wait.done)
      problems.push(
        `not converged: ${wait.missing} nodes without their pod, ${wait.violations.length} with a stray one`,
      );
    if (readyAt === undefined) problems.push("the DaemonSet status never counted every pod Ready");
    const after = await fleet.stats();
    const herd = attemptsAfter(after.attemptBuckets, killAt, Date.now());
    const convergedAt = wait.done && readyAt !== undefined ? Math.max(readyAt, max(wait.metAt)) : undefined;
    results.push({
      n: k + 1,
      kind,
      killAfterMs: killAt - t0,
      callStatus,
      redone,
      restartMs,
      ...(convergedAt !== undefined ? { convergedMs: round(convergedAt - server.spawnedAt, 0) } : {}),
      problems,
      duplicatesSoFar: after.duplicates,
      reRegistrations: after.registrations - before.registrations,
      peakAttemptsPer100ms: herd.peak,
      attempts: herd.total,
      attemptsP50Ms: herd.p50,
      attemptsP99Ms: herd.p99,
    });
    const r = results[results.length - 1]!;
    o.say(
      `  restart ${restartMs} ms, converged ${r.convergedMs ?? "never"} ms after it; ${problems.length} problems; ` +
        `reconnects: ${herd.total} attempts, peak ${herd.peak}/100 ms`,
    );
  }
  return results;
}
