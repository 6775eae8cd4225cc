// GET /metrics over real HTTP on the API app as the server wires it: who may read it, what
// it shows of requests, the fleet and the agents' relayed summaries, and that Debian's
// promtool finds the text well-formed (scripts/install-test-deps.sh installs it).

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonSet, Node } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import { AGENT_METRIC_BUCKETS, type MetricsMessage } from "../../shared/protocol.js";
import { buildApiApp } from "../../control-plane/api/app.js";
import type { Authenticator, Principal } from "../../control-plane/auth/principal.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { ControlPlaneMetrics } from "../../control-plane/metrics/control-plane-metrics.js";
import { metricsRoute } from "../../control-plane/metrics/metrics-route.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { call, nodeObject, StubLogs, TOKENS, tutorialDaemonSet } from "../api/harness.js";
import { stream } from "../api/line-stream.js";
import { waitFor } from "../helpers/cluster.js";
import { FakeClock } from "../helpers/fake-clock.js";

const PRINCIPALS: Record<string, Principal> = {
  [TOKENS.admin]: { kind: "admin", name: "admin" },
  metrics: { kind: "metrics", tokenId: "m1" },
  node: { kind: "node", nodeName: "n1", credentialId: "c1" },
  join: { kind: "join", tokenId: "j1" },
};
const authenticator: Authenticator = { authenticate: (t) => (t === undefined ? undefined : PRINCIPALS[t]) };

let dir: string;
let store: Store;
let metrics: ControlPlaneMetrics;
let server: http.Server;
let h: { url: string; port: number };
let sessions = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "everynode-metrics-"));
  const clock = new FakeClock();
  metrics = new ControlPlaneMetrics();
  store = openStore({ path: path.join(dir, "everynode.db"), clock, onWrite: metrics.storeWrite });
  const app = buildApiApp({
    store,
    clock,
    logger: silentLogger,
    events: new EventRecorder({ store, clock, ttlMs: 3_600_000 }),
    authenticator,
    logs: new StubLogs(),
    requestObserver: metrics.api,
    authenticatedRoutes: [metricsRoute(metrics)],
  });
  metrics.attach({ store, sessions: () => sessions });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  h = { url: `http://127.0.0.1:${port}`, port };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function scrape(token = TOKENS.admin): Promise<string> {
  const r = await call(h, "GET", "/metrics", { token });
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return r.text;
}

/** The value of the one series whose name and labels are given (labels in any order). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (
      Object.entries(labels).every(([k, v]) => have[k] === v) &&
      Object.keys(have).length === Object.keys(labels).length
    )
      return Number(m[3]);
  }
  return undefined;
}

describe("who may read /metrics", () => {
  it.each([
    ["the admin", TOKENS.admin, 200],
    ["the metrics token", "metrics", 200],
    ["a node credential", "node", 403],
    ["a join token", "join", 403],
  ])("%s: %i", async (_who, token, status) => {
    const r = await call(h, "GET", "/metrics", { token });
    expect(r.status).toBe(status);
    if (status === 403) expect(r.json).toMatchObject({ kind: "Status", reason: "Forbidden" });
  });

  it("nobody without a token", async () => {
    expect((await call(h, "GET", "/metrics", { token: null })).status).toBe(401);
  });

  it("the metrics token reads nothing else: no resources, no discovery", async () => {
    expect((await call(h, "GET", "/api/v1/nodes", { token: "metrics" })).status).toBe(403);
    expect((await call(h, "GET", "/apis", { token: "metrics" })).status).toBe(403);
    expect((await call(h, "GET", "/openapi/v3", { token: "metrics" })).status).toBe(403);
  });
});

describe("what /metrics shows", () => {
  it("API requests by verb, resource and code; open watches while they are open", async () => {
    await call(h, "GET", "/api/v1/nodes");
    await call(h, "GET", "/api/v1/nodes/nope");
    await call(h, "POST", "/api/v1/nodes", { body: nodeObject("n-req") });
    const watch = stream(h, "/api/v1/pods?watch=1");
    await watch.status;
    let text = await scrape();
    expect(
      value(text, "everynode_api_requests_total", {
        verb: "LIST",
        resource: "nodes",
        subresource: "",
        code: "200",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(text, "everynode_api_requests_total", {
        verb: "GET",
        resource: "nodes",
        subresource: "",
        code: "404",
      }),
    ).toBe(1);
    expect(
      value(text, "everynode_api_request_duration_seconds_count", {
        verb: "POST",
        resource: "nodes",
        subresource: "",
        code: "201",
      }),
    ).toBe(1);
    expect(value(text, "everynode_api_longrunning_requests", { verb: "WATCH", resource: "pods" })).toBe(1);
    watch.close();
    // The server hears of the close a moment later.
    text = await waitFor("the watch to end", async () => {
      const t = await scrape();
      return value(t, "everynode_api_longrunning_requests", { verb: "WATCH", resource: "pods" }) === 0 && t;
    });
    expect(value(text, "everynode_api_longrunning_requests", { verb: "WATCH", resource: "pods" })).toBe(0);
    expect(
      value(text, "everynode_api_requests_total", {
        verb: "WATCH",
        resource: "pods",
        subresource: "",
        code: "200",
      }),
    ).toBe(1);
    // A watch's lifetime is no request latency.
    expect(
      value(text, "everynode_api_request_duration_seconds_count", {
        verb: "WATCH",
        resource: "pods",
        subresource: "",
        code: "200",
      }),
    ).toBeUndefined();
    // Non-resource requests count under their method.
    expect(
      value(text, "everynode_api_requests_total", {
        verb: "GET",
        resource: "",
        subresource: "",
        code: "200",
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("nodes by Ready, DaemonSet status and rollout gauges, store writes and size, sessions", async () => {
    const withReady = (name: string, status?: "True" | "False"): Node => {
      const n = structuredClone(nodeObject(name)) as unknown as Node;
      n.status = status ? { conditions: [{ type: "Ready", status }] } : {};
      return n;
    };
    store.create("nodes", withReady("n-down", "False"));
    store.create("nodes", withReady("n-new"));
    const manifest = tutorialDaemonSet("web") as unknown as DaemonSet;
    const ds = store.create("daemonsets", {
      ...manifest,
      metadata: { ...manifest.metadata, namespace: "default" },
    });
    store.update("daemonsets", {
      ...ds,
      status: {
        desiredNumberScheduled: 4,
        currentNumberScheduled: 4,
        numberReady: 3,
        updatedNumberScheduled: 2,
        numberMisscheduled: 0,
        numberAvailable: 3,
        numberUnavailable: 1,
      },
    });
    sessions = 7;
    const text = await scrape();
    expect(value(text, "everynode_nodes", { ready: "True" })).toBe(1); // n-req
    expect(value(text, "everynode_nodes", { ready: "False" })).toBe(1);
    expect(value(text, "everynode_nodes", { ready: "Unknown" })).toBe(1); // n-new has no condition yet
    const web = { namespace: "default", daemonset: "web" };
    expect(value(text, "everynode_daemonset_status_number_ready", web)).toBe(3);
    expect(value(text, "everynode_daemonset_status_number_unavailable", web)).toBe(1);
    expect(value(text, "everynode_daemonset_rollout_updated_ratio", web)).toBe(0.5);
    expect(value(text, "everynode_daemonset_rollout_paused", web)).toBe(0);
    expect(value(text, "everynode_daemonset_rollout_stopped", { ...web, reason: "AutoPaused" })).toBe(0);
    expect(value(text, "everynode_agent_sessions")).toBe(7);
    expect(value(text, "everynode_store_write_duration_seconds_count")).toBeGreaterThanOrEqual(4);
    expect(value(text, "everynode_store_database_bytes")).toBeGreaterThan(0);
    expect(value(text, "everynode_store_objects", { resource: "nodes" })).toBe(3);
    // prom-client's default metrics: the process and the event loop.
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it("the agents' relayed figures: per node while connected, durations fleet-wide", async () => {
    const counts = (i: number, n: number): number[] =>
      Array.from({ length: AGENT_METRIC_BUCKETS.length + 1 }, (_, j) => (j === i ? n : 0));
    const summary = (running: number): MetricsMessage => ({
      v: 1,
      type: "metrics",
      containers: { running, waiting: 1, terminated: 0 },
      restarts: 3,
      imagePulls: { counts: counts(AGENT_METRIC_BUCKETS.indexOf(10), 1), sum: 7.5 },
      containerStarts: { counts: counts(AGENT_METRIC_BUCKETS.indexOf(0.5), 2), sum: 0.8 },
      reconcileLag: { counts: counts(0, 0), sum: 0 },
    });
    metrics.agents.accept("n1", summary(2));
    metrics.agents.accept("n2", summary(5));
    let text = await scrape();
    expect(value(text, "everynode_agent_containers", { node: "n2", state: "running" })).toBe(5);
    expect(value(text, "everynode_agent_container_restarts", { node: "n1" })).toBe(3);
    expect(value(text, "everynode_agents_reporting_metrics")).toBe(2);
    expect(value(text, "everynode_agent_image_pull_duration_seconds_count")).toBe(2);
    expect(value(text, "everynode_agent_image_pull_duration_seconds_sum")).toBe(15);
    expect(value(text, "everynode_agent_image_pull_duration_seconds_bucket", { le: "5" })).toBe(0);
    expect(value(text, "everynode_agent_image_pull_duration_seconds_bucket", { le: "10" })).toBe(2);
    expect(value(text, "everynode_agent_container_start_duration_seconds_bucket", { le: "+Inf" })).toBe(4);
    metrics.agents.forget("n1");
    text = await scrape();
    expect(value(text, "everynode_agent_containers", { node: "n1", state: "running" })).toBeUndefined();
    // Fleet-wide counts never go back.
    expect(value(text, "everynode_agent_image_pull_duration_seconds_count")).toBe(2);
  });

  it("passes promtool check metrics", async () => {
    const text = await scrape("metrics");
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = execFile("promtool", ["check", "metrics"], (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
      child.stdin?.end(text);
    });
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });
});
