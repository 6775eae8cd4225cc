// One cell of the auth matrix: a caller sends a route's request; the answer is checked against
// the policy, and a refused request must leave the store as it was.

import WebSocket from "ws";
import type { ServerProcess } from "../../helpers/server-process.js";
import type { StoreBaseline } from "./fingerprint.js";
import type { Fixture } from "./fixture.js";
import { requestFor, resolvePath } from "./fixture.js";
import type { Caller } from "./policy.js";
import { expected } from "./policy.js";
import type { Route } from "./routes.js";

/** The status of a WebSocket upgrade: 101 when it opened, else the refusal's status (0: none). */
export function upgradeStatus(server: ServerProcess, path: string, token: string | null): Promise<number> {
  const url = new URL(path, server.server).toString().replace(/^https/, "wss");
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      ca: server.caPem,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      resolve(101);
      ws.close();
    });
    ws.on("error", () => resolve(0));
  });
}

/** Runs a caller on a route; returns what went wrong, or undefined. */
export async function checkCell(
  server: ServerProcess,
  f: Fixture,
  route: Route,
  caller: Caller,
  baseline: StoreBaseline,
): Promise<{ problem?: string; storeMayHaveChanged: boolean }> {
  const want = expected(caller, route);
  const token = f.tokens[caller];
  let status: number;
  let body: any;
  let text = "";
  if (route.kind === "agentConnect") {
    status = await upgradeStatus(server, resolvePath(route, f), token);
  } else {
    const req = await requestFor(server, route, f, want.allow);
    const r = await server.send(route.method, req.path, {
      token,
      body: req.body,
      ...(req.contentType ? { contentType: req.contentType } : {}),
      headersOnly: route.stream,
      timeoutMs: 15_000,
    });
    status = r.status;
    body = r.json;
    text = r.text.slice(0, 300);
  }
  if (want.allow) {
    const refused = status === 401 || status === 403 || status === 0 || status >= 500;
    return {
      storeMayHaveChanged: true,
      ...(refused ? { problem: `${caller}: should be allowed, got ${status} ${text}` } : {}),
    };
  }
  const problems: string[] = [];
  if (status !== want.status && !want.also?.includes(status))
    problems.push(`should get ${want.status}, got ${status} ${text}`);
  else if (route.kind !== "agentConnect" && (body?.kind !== "Status" || body?.code !== status))
    problems.push(`answered ${status} without a Status body: ${text}`);
  const change = await baseline.changes();
  if (change) problems.push(`the store changed:\n${change}`);
  return {
    storeMayHaveChanged: change !== undefined,
    ...(problems.length > 0 ? { problem: `${caller}: ${problems.join("; ")}` } : {}),
  };
}
