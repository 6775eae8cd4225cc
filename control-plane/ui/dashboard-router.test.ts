import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { errorHandler } from "../api/error-handler.js";
import type { Authenticator, Principal } from "../auth/principal.js";
import { node } from "../controller/test-builders.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { createDashboardRouter } from "./dashboard-router.js";
import type { GridMessage } from "./grid-protocol.js";

const PRINCIPALS: Record<string, Principal> = {
  "admin-token": { kind: "admin", name: "admin" },
  "node-token": { kind: "node", nodeName: "n1", credentialId: "c1" },
  "join-token": { kind: "join", tokenId: "abc123" },
};
const authenticator: Authenticator = { authenticate: (t) => (t ? PRINCIPALS[t] : undefined) };

let dir: string;
let store: Store;
let server: http.Server;
let base: string;

function serve(staticDir: string): Promise<http.Server> {
  const app = express();
  app.use(
    createDashboardRouter({ store, clock: systemClock, logger: silentLogger, authenticator, staticDir }),
  );
  app.use((_req, res) => void res.status(404).end());
  app.use(errorHandler(silentLogger));
  const s = http.createServer(app);
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
}

const get = (p: string, token?: string, signal?: AbortSignal): Promise<Response> =>
  fetch(`${base}${p}`, {
    redirect: "manual",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal,
  });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "everynode-ui-router-"));
  mkdirSync(path.join(dir, "ui/js"), { recursive: true });
  writeFileSync(path.join(dir, "ui/index.html"), "<!doctype html><title>x</title>");
  writeFileSync(path.join(dir, "ui/js/main.js"), "export {};");
  writeFileSync(path.join(dir, "ui/notes.txt"), "not served");
  store = openStore({ path: ":memory:", clock: systemClock });
  store.create("nodes", node("n1"));
  server = await serve(path.join(dir, "ui"));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the dashboard's files", () => {
  it("serves the page with the security headers, and redirects /ui to /ui/", async () => {
    const page = await get("/ui/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'self'; script-src 'self'; /);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const redirect = await get("/ui");
    expect([redirect.status, redirect.headers.get("location")]).toEqual([301, "/ui/"]);
    const js = await get("/ui/js/main.js");
    expect([js.status, js.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
  });

  it("serves nothing but the built files", async () => {
    for (const p of [
      "/ui/notes.txt",
      "/ui/missing.js",
      "/ui/js/../../dashboard-router.test.ts",
      "/ui/%2e%2e/x",
    ])
      expect((await get(p)).status, p).toBe(404);
  });

  it("says so when the dashboard is not built", async () => {
    const unbuilt = await serve(path.join(dir, "nothing-here"));
    const res = await fetch(`http://127.0.0.1:${(unbuilt.address() as AddressInfo).port}/ui/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build");
    await new Promise((r) => unbuilt.close(r));
  });
});

describe("the dashboard's API", () => {
  it("wants the admin token", async () => {
    expect((await get("/ui/api/whoami")).status).toBe(401);
    expect((await get("/ui/api/grid", "wrong")).status).toBe(401);
    const node = await get("/ui/api/whoami", "node-token");
    expect(node.status).toBe(403);
    expect(((await node.json()) as { message: string }).message).toContain("system:node:n1");
    expect((await get("/ui/api/grid", "join-token")).status).toBe(403);
    expect((await get("/ui/api/rollout/default/x", "node-token")).status).toBe(403);
    const admin = await get("/ui/api/whoami", "admin-token");
    expect(await admin.json()).toEqual({ user: "admin", kind: "admin" });
    expect(admin.headers.get("cache-control")).toBe("no-store");
    expect((await get("/ui/api/nothing", "admin-token")).status).toBe(404);
  });

  it("refuses grid filters it cannot apply, naming them", async () => {
    const cases: [string, string][] = [
      ["?labelSelector=zone%20in%20(", "unable to parse requirement"],
      ["?daemonsets=web", 'daemonsets: "web" is not NAMESPACE/NAME'],
      ["?sort=name", 'unknown query parameter "sort"'],
    ];
    for (const [q, message] of cases) {
      const res = await get(`/ui/api/grid${q}`, "admin-token");
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain(message);
    }
  });

  it("streams the grid: a snapshot, then the row of a node that joins", async () => {
    const abort = new AbortController();
    const res = await get("/ui/api/grid?labelSelector=kubernetes.io%2Fhostname", "admin-token", abort.signal);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    const next = async (): Promise<GridMessage> => {
      for (;;) {
        const nl = buffered.indexOf("\n");
        if (nl >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          return JSON.parse(line) as GridMessage;
        }
        const { value } = await reader.read();
        buffered += decoder.decode(value, { stream: true });
      }
    };
    const until = async (t: GridMessage["t"]): Promise<GridMessage[]> => {
      const seen: GridMessage[] = [];
      for (;;) {
        const m = await next();
        seen.push(m);
        if (m.t === t) return seen;
      }
    };
    const snapshot = await until("synced");
    expect(snapshot.map((m) => m.t)).toEqual(["reset", "columns", "rows", "synced"]);
    store.create("nodes", node("n2"));
    const [rows] = (await until("rows")).slice(-1);
    expect(rows).toEqual({ t: "rows", rows: [["n2", "R", ""]], nodes: 2 });
    abort.abort();
  });

  it("answers 404 for the rollout of a DaemonSet that does not exist", async () => {
    const res = await get("/ui/api/rollout/default/nope", "admin-token");
    expect(res.status).toBe(404);
  });
});
