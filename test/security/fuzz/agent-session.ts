// Plays a fuzzed agent session over a real WebSocket with the fuzz node's credential, then
// checks what it left: a live server, reads that still work, a well-formed Node and pods,
// log output that did not grow with the input.

import WebSocket from "ws";
import { AGENT_CONNECT_PATH } from "../../../shared/protocol.js";
import type { Frame } from "./agent-messages.js";
import { FUZZ_NS, FUZZ_WS_NODE } from "./manifests.js";
import type { FuzzTarget } from "./target.js";
import { LOG_BUDGET_BYTES } from "./target.js";
import { nodeProblems, podProblems } from "./well-formed.js";

/** Sends the frames; resolves with the close code (0: still open when we hung up). */
export function playSession(target: FuzzTarget, frames: Frame[], lingerMs = 200): Promise<number> {
  const s = target.server;
  const url = new URL(AGENT_CONNECT_PATH, s.server).toString().replace(/^https/, "wss");
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { ca: s.caPem, headers: { authorization: `Bearer ${target.wsNode}` } });
    let code = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      ws.terminate();
      resolve(code);
    };
    ws.on("close", (c) => {
      code = c;
      finish();
    });
    ws.on("error", () => undefined);
    ws.on("unexpected-response", (_req, res) => {
      code = -(res.statusCode ?? 1);
      finish();
    });
    ws.on("open", async () => {
      for (const f of frames) {
        if (ws.readyState !== WebSocket.OPEN) break;
        await new Promise<void>((r) => ws.send(f.data, { binary: f.binary }, () => r()));
      }
      timer = setTimeout(finish, lingerMs);
    });
  });
}

/**
 * Puts the fuzz node's and its pod's statuses back as they were before the first session, so
 * that one bad session does not fail every later one (and shrinking still means something).
 */
async function restore(target: FuzzTarget): Promise<void> {
  const s = target.server;
  const paths = [`/api/v1/nodes/${FUZZ_WS_NODE}`, `/api/v1/namespaces/${FUZZ_NS}/pods/${target.wsPod.name}`];
  if (!clean.has(s)) clean.set(s, await Promise.all(paths.map(async (p) => (await s.send("GET", p)).json)));
  const saved = clean.get(s) ?? [];
  for (const [i, p] of paths.entries()) {
    const current = (await s.send("GET", p)).json;
    if (!current?.metadata || JSON.stringify(current.status) === JSON.stringify(saved[i]?.status)) continue;
    await s.send("PUT", `${p}/status`, { body: { ...current, status: saved[i]?.status ?? {} } });
  }
}
const clean = new WeakMap<object, any[]>();

/** Plays a session and checks the aftermath; throws what went wrong. */
export async function checkSession(target: FuzzTarget, frames: Frame[]): Promise<void> {
  await restore(target);
  const summary = frames.map((f) => f.summary).join(" | ");
  const logBefore = target.server.logBytes;
  const code = await target.measured(
    summary,
    () => playSession(target, frames),
    () => false,
  );
  // Statuses are flushed in batches (100 ms): give the ingest time before reading.
  await new Promise((r) => setTimeout(r, 150));
  const problems: string[] = [];
  if (!target.server.alive) problems.push("the server died");
  else {
    problems.push(...(await target.readsStillWork()));
    const node = await target.server.send("GET", `/api/v1/nodes/${FUZZ_WS_NODE}`);
    if (node.status === 200) problems.push(...nodeProblems(node.json).map((p) => `stored node: ${p}`));
    else problems.push(`the fuzz node is gone: ${node.status}`);
    const pods = await target.server.send(
      "GET",
      `/api/v1/pods?fieldSelector=spec.nodeName%3D${FUZZ_WS_NODE}`,
    );
    for (const p of (pods.json?.items ?? []) as any[])
      problems.push(...podProblems(p).map((x) => `stored pod ${p.metadata.name}: ${x}`));
  }
  const logged = target.server.logBytes - logBefore;
  if (logged > LOG_BUDGET_BYTES) problems.push(`the server logged ${logged} bytes for one session`);
  if (problems.length > 0) throw new Error(`${summary}\n(closed ${code})\n -> ${problems.join("\n -> ")}`);
}
