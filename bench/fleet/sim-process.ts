// One simulator process: holds a share of the fleet's nodes (SimNode) and answers the
// runner's requests over IPC (sim-protocol.ts): register them, connect them, watch what
// they are told against expectations, churn them, and count what happened.
// Started by fleet.ts with `fork`; `node dist/bench/fleet/sim-process.js`.

import { randomBytes } from "node:crypto";
import { createSecureContext } from "node:tls";
import { backoffDelay, RECONNECT_BACKOFF } from "../../shared/backoff.js";
import { parseJoinToken } from "../../shared/join-token.js";
import { collectNodeReport } from "../../agent/node-info.js";
import { seededRandom } from "./stats.js";
import { fetchPinnedCa } from "./sim-https.js";
import { SimNode, type SimContext } from "./sim-node.js";
import { Expectations } from "./sim-expectations.js";
import type {
  ChurnSpec,
  ConnectResult,
  FromSim,
  ReadyInfo,
  RegisterResult,
  SimStats,
  ToSim,
} from "./sim-protocol.js";

const nodes: SimNode[] = [];
let ctx: SimContext | undefined;
const expectations = new Expectations(() => nodes);
const counters = {
  connectAttempts: 0,
  closes: 0,
  duplicates: 0,
  assignmentsReceived: 0,
  assignmentBytes: 0,
  statusesSent: 0,
  heartbeatsSent: 0,
};
const attemptBuckets: Record<string, number> = {};

/** Nodes by the heartbeat interval they were given last. */
function intervalsOf(all: readonly SimNode[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const node of all) {
    const key = String(node.heartbeatIntervalSeconds);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
const closeCodes: Record<string, number> = {};
const duplicateExamples: string[] = [];

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}

function podIpOf(nodeIp: string): string {
  const [, , b, c] = nodeIp.split(".");
  return `100.64.${b ?? 0}.${c ?? 1}`;
}

async function init(m: Extract<ToSim, { cmd: "init" }>): Promise<number> {
  const server = new URL(m.server);
  const joinToken = parseJoinToken(m.joinToken);
  const first = m.nodes[0];
  if (!first) return 0;
  const caPem = await fetchPinnedCa(server, joinToken, first.localAddress);
  const random = seededRandom(m.options.seed);
  ctx = {
    server,
    joinToken,
    secureContext: createSecureContext({ ca: caPem }),
    report: collectNodeReport({ nodeIP: first.ip, engineVersion: "fleet-simulator" }),
    options: m.options,
    random,
    onAttempt: () => {
      counters.connectAttempts++;
      const bucket = String(Math.floor(Date.now() / 100));
      attemptBuckets[bucket] = (attemptBuckets[bucket] ?? 0) + 1;
    },
    onClosed: (_node, code) => {
      counters.closes++;
      closeCodes[code] = (closeCodes[code] ?? 0) + 1;
    },
    onAssignments: (node, bytes) => {
      counters.assignmentsReceived++;
      counters.assignmentBytes += bytes;
      expectations.nodeChanged(node);
    },
    onDuplicate: (_node, what) => {
      counters.duplicates++;
      if (duplicateExamples.length < 20) duplicateExamples.push(what);
    },
    onStatusesSent: (n) => (counters.statusesSent += n),
    onHeartbeat: () => counters.heartbeatsSent++,
  };
  for (const spec of m.nodes) {
    nodes.push(new SimNode(spec, ctx, randomBytes(32).toString("base64url"), podIpOf(spec.ip)));
  }
  return nodes.length;
}

async function registerAll(concurrency: number): Promise<RegisterResult> {
  const result: RegisterResult = {
    startedAt: Date.now(),
    finishedAt: 0,
    registered: 0,
    failedAttempts: 0,
    errors: [],
  };
  const c = ctx;
  if (!c) return { ...result, finishedAt: Date.now() };
  await pool(nodes, concurrency, async (node) => {
    for (let attempt = 0; ; attempt++) {
      try {
        // One connection per join, as the agent's (verified by the CA fetched at init).
        await node.register();
        result.registered++;
        return;
      } catch (e) {
        result.failedAttempts++;
        if (result.errors.length < 10) result.errors.push(`${node.name}: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, backoffDelay(RECONNECT_BACKOFF, attempt)));
      }
    }
  });
  result.finishedAt = Date.now();
  return result;
}

async function connectAll(concurrency: number): Promise<ConnectResult> {
  const startedAt = Date.now();
  const attemptsBefore = counters.connectAttempts;
  await pool(nodes, concurrency, (node) => node.start());
  const finishedAt = Date.now();
  const connected = nodes.filter((n) => n.connected).length;
  const failedAttempts = counters.connectAttempts - attemptsBefore - nodes.length;
  return { startedAt, finishedAt, connected, failedAttempts: Math.max(0, failedAttempts), errors: [] };
}

async function churn(spec: ChurnSpec, random: () => number): Promise<{ drops: number; reconnected: number }> {
  const end = Date.now() + spec.durationMs;
  let drops = 0;
  while (Date.now() < end) {
    const k = Math.round(spec.fraction * nodes.length);
    for (let i = 0; i < k; i++) {
      const node = nodes[Math.floor(random() * nodes.length)];
      if (!node?.connected) continue;
      node.drop(random() < spec.goodbyeShare, random() * spec.offlineMaxMs);
      drops++;
    }
    await new Promise((r) => setTimeout(r, Math.min(spec.periodMs, Math.max(0, end - Date.now()))));
  }
  // Everyone comes back: wait for them (bounded), so that the runner compares a settled fleet.
  const deadline = Date.now() + spec.offlineMaxMs + 60_000;
  while (nodes.some((n) => !n.connected) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  return { drops, reconnected: nodes.filter((n) => n.connected).length };
}

function stats(): SimStats {
  const cpu = process.cpuUsage();
  return {
    nodes: nodes.length,
    connected: nodes.filter((n) => n.connected).length,
    registrations: nodes.reduce((s, n) => s + n.registrations, 0),
    connectAttempts: counters.connectAttempts,
    reconnects: Math.max(0, counters.connectAttempts - nodes.length),
    attemptBuckets: { ...attemptBuckets },
    duplicates: counters.duplicates,
    duplicateExamples: [...duplicateExamples],
    closeCodes: { ...closeCodes },
    assignmentsReceived: counters.assignmentsReceived,
    assignmentBytes: counters.assignmentBytes,
    statusesSent: counters.statusesSent,
    heartbeatsSent: counters.heartbeatsSent,
    heartbeatIntervals: intervalsOf(nodes),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: process.memoryUsage.rss(),
  };
}

function readyInfo(image: string): ReadyInfo {
  let readySent = 0;
  let lastReadySentAt = 0;
  for (const n of nodes) {
    if (!n.spec.eligible) continue;
    const at = n.lastReadySent.get(image);
    if (at === undefined) continue;
    readySent++;
    lastReadySentAt = Math.max(lastReadySentAt, at);
  }
  return { readySent, lastReadySentAt };
}

let options: Extract<ToSim, { cmd: "init" }>["options"] | undefined;

async function handle(m: ToSim): Promise<unknown> {
  switch (m.cmd) {
    case "init": {
      options = m.options;
      const n = await init(m);
      return n;
    }
    case "register":
      return registerAll(options?.registerConcurrency ?? 16);
    case "connect":
      return connectAll(options?.connectConcurrency ?? 64);
    case "arm":
      expectations.arm(m.expectation);
      return true;
    case "wait":
      return expectations.wait(m.key, m.timeoutMs);
    case "disarm":
      expectations.disarm(m.key);
      return true;
    case "readyInfo":
      return readyInfo(m.image);
    case "stats":
      return stats();
    case "churn":
      return churn(m.churn, seededRandom((options?.seed ?? 1) * 7919));
    case "stop":
      await Promise.all(nodes.map((n) => n.stop()));
      return true;
  }
}

process.on("message", (m: ToSim) => {
  handle(m).then(
    (result) => process.send?.({ id: m.id, ok: true, result } satisfies FromSim),
    (e: unknown) =>
      process.send?.({ id: m.id, ok: false, error: String((e as Error)?.stack ?? e) } satisfies FromSim),
  );
});
process.on("disconnect", () => process.exit(0));
