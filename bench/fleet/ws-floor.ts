// `npm run bench:ws-floor -- --connections 10000`: what one idle WebSocket costs a bare
// `ws` server in Node 20 (RSS per connection, server CPU per handshake), over TLS with an
// RSA-2048 key (what everynode's PKI makes), with an ECDSA P-256 key, and without TLS, and
// its CPU while every connection heartbeats once per 10 s as agents do. The fleet
// benchmark's "RSS per node" and idle CPU are read against this floor.
// Writes bench/results/ws-floor.json and .md.

import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { createSecureContext } from "node:tls";
import { fileURLToPath } from "node:url";
import { parseFlags, type FlagSpec } from "../../shared/flags.js";
import { spawnWithFileLimit } from "./fleet.js";
import { readProc } from "./proc.js";
import { machineFacts, numberFlag, say } from "./run-common.js";
import { REPO_ROOT } from "./server-process.js";
import { SimSocket } from "./sim-socket.js";
import { fmtBytes, round } from "./stats.js";

const FLAGS: FlagSpec[] = [
  { name: "connections", type: "string", default: "10000", description: "WebSockets to open" },
  { name: "out", type: "string", description: "results directory (default bench/results)" },
];

const CLK_TCK = 100;

interface VariantResult {
  variant: string;
  connections: number;
  connectMs: number;
  rssBaseBytes: number;
  rssConnectedBytes: number;
  perConnectionBytes: number;
  serverCpuMsPerHandshake: number;
  /** One ~1 KB message to every connection: server CPU per message. */
  broadcastCpuUsPerMessage: number;
  /** Every connection sends a heartbeat every 10 s: the server's CPU, % of one core. */
  heartbeatCpuPercent: number;
  heartbeatsPerSecond: number;
}

const HEARTBEAT_SECONDS = 10;
const HEARTBEAT_WINDOW_MS = 20_000;

/**
 * Each socket sends the agent's heartbeat once every HEARTBEAT_SECONDS, spread evenly, for
 * HEARTBEAT_WINDOW_MS; returns the server's CPU over that window and the rate sent.
 */
async function heartbeats(sockets: SimSocket[], pid: number): Promise<{ percent: number; rate: number }> {
  const tickMs = 10;
  const perTick = (sockets.length * tickMs) / (HEARTBEAT_SECONDS * 1000);
  let owed = 0;
  let next = 0;
  let sent = 0;
  const before = readProc(pid)!;
  const t0 = Date.now();
  const timer = setInterval(() => {
    owed += perTick;
    for (; owed >= 1; owed--) {
      sockets[next]!.send({ v: 1, type: "heartbeat" });
      next = (next + 1) % sockets.length;
      sent++;
    }
  }, tickMs);
  await settle(HEARTBEAT_WINDOW_MS);
  clearInterval(timer);
  const seconds = (Date.now() - t0) / 1000;
  const after = readProc(pid)!;
  return { percent: (((after.ticks - before.ticks) / CLK_TCK) * 100) / seconds, rate: sent / seconds };
}

function makeCert(dir: string, kind: "rsa" | "ecdsa"): { cert: string; key: string } {
  const cert = path.join(dir, `${kind}.crt`);
  const key = path.join(dir, `${kind}.key`);
  const newkey =
    kind === "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      ...newkey,
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}

interface Floor {
  child: ChildProcess;
  port: number;
  /** The next line the floor server prints. */
  nextLine(): Promise<string>;
}

async function startFloor(args: string[]): Promise<Floor> {
  const script = fileURLToPath(new URL("./ws-floor-server.js", import.meta.url));
  const child = spawnWithFileLimit([process.execPath, script, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else lines.push(l);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", () => reject(new Error("the floor server exited"))),
  );
  exited.catch(() => {});
  const nextLine = (): Promise<string> => {
    const l = lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return Promise.race([new Promise<string>((resolve) => waiting.push(resolve)), exited]);
  };
  const port = (JSON.parse(await nextLine()) as { port: number }).port;
  return { child, port, nextLine };
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measure(
  variant: string,
  connections: number,
  certs?: { cert: string; key: string },
): Promise<VariantResult> {
  const floor = await startFloor(certs ? ["tls", certs.cert, certs.key] : ["plain"]);
  const { child, port } = floor;
  const sockets: SimSocket[] = [];
  // The server and the sockets go whatever happens, so a failed variant leaves nothing running.
  try {
    const pid = child.pid ?? 0;
    await settle(2_000);
    const base = readProc(pid)!;
    const server = new URL(`${certs ? "https" : "http"}://127.0.0.1:${port}`);
    const secureContext = createSecureContext(certs ? { ca: readFileSync(certs.cert) } : {});
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < connections) {
          const i = next++;
          sockets.push(
            await SimSocket.open({
              server,
              token: "floor",
              secureContext,
              localAddress: `127.0.1.${1 + (i % 128)}`,
              timeoutMs: 30_000,
              onMessage: () => {},
              onClose: () => {},
            }),
          );
        }
      }),
    );
    const connectMs = Date.now() - t0;
    await settle(5_000);
    const after = readProc(pid)!;
    const broadcasts: number[] = [];
    for (let i = 0; i < 3; i++) {
      child.stdin!.write("broadcast 1000\n");
      const b = JSON.parse(await floor.nextLine()) as { clients: number; cpuMs: number };
      broadcasts.push((b.cpuMs * 1000) / b.clients);
      await settle(500);
    }
    const beats = await heartbeats(sockets, pid);
    return {
      variant,
      connections,
      connectMs,
      rssBaseBytes: base.rssBytes,
      rssConnectedBytes: after.rssBytes,
      perConnectionBytes: Math.round((after.rssBytes - base.rssBytes) / connections),
      serverCpuMsPerHandshake: round((((after.ticks - base.ticks) / CLK_TCK) * 1000) / connections, 3),
      broadcastCpuUsPerMessage: round(Math.min(...broadcasts), 1),
      heartbeatCpuPercent: round(beats.percent, 1),
      heartbeatsPerSecond: Math.round(beats.rate),
    };
  } finally {
    for (const s of sockets) s.terminate();
    child.kill("SIGTERM");
  }
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  const connections = numberFlag(values, "connections");
  const outDir = path.resolve(String(values.out ?? path.join(REPO_ROOT, "bench/results")));
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), "everynode-ws-floor-"));
  const results: VariantResult[] = [];
  try {
    for (const variant of ["tls-rsa2048", "tls-ecdsa-p256", "plain"] as const) {
      say(`${variant}: ${connections} connections`);
      const certs =
        variant === "plain" ? undefined : makeCert(tmp, variant === "tls-rsa2048" ? "rsa" : "ecdsa");
      results.push(await measure(variant, connections, certs));
      await settle(1_000);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const md = [
    `## A bare ws server's cost per idle WebSocket (Node ${process.version}, ${connections.toLocaleString("en-US")} connections)`,
    "",
    `${new Date().toISOString()} · load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" / ")}`,
    "",
    "| variant | RSS before | RSS connected | per connection | server CPU per handshake | server CPU per 1 KB message sent (fan-out) | server CPU receiving heartbeats | connect all |",
    "|---|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.variant} | ${fmtBytes(r.rssBaseBytes)} | ${fmtBytes(r.rssConnectedBytes)} | ${fmtBytes(r.perConnectionBytes)} | ${r.serverCpuMsPerHandshake} ms | ${r.broadcastCpuUsPerMessage} µs | ${r.heartbeatCpuPercent}% of a core at ${r.heartbeatsPerSecond}/s | ${r.connectMs} ms |`,
    ),
    "",
  ].join("\n");
  writeFileSync(
    path.join(outDir, "ws-floor.json"),
    JSON.stringify({ date: new Date().toISOString(), machine: machineFacts(), results }, null, 2) + "\n",
  );
  writeFileSync(path.join(outDir, "ws-floor.md"), md);
  process.stdout.write(md);
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
