// Prometheus scrapes a real everynode cluster: Debian's `prometheus`, started by the test on
// loopback with its own temporary config (scrape interval 1s, HTTPS with the cluster's CA,
// the data dir's metrics-token as bearer token file), and a query through Prometheus' HTTP
// API returns the DaemonSet's ready count as everynode's status has it. The server runs with
// --log-format json: every line it writes is one JSON object.

import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonSet } from "../../shared/api-types.js";
import { startCluster, TEST_IMAGE, waitFor, type Cluster } from "../helpers/cluster.js";
import { startPrometheus, type Prometheus } from "../helpers/prometheus.js";

const daemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "web", namespace: "default" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: "web", image: TEST_IMAGE, imagePullPolicy: "IfNotPresent" }],
      },
    },
  },
};

describe("Prometheus scrapes everynode", () => {
  let cluster: Cluster;
  let prometheus: Prometheus;
  let metricsToken = "";

  beforeAll(async () => {
    cluster = await startCluster({
      serverNodeName: "prom-master",
      agents: [{ name: "prom-worker" }],
      serverArgs: ["--log-format", "json", "--agent-metrics-interval", "1s"],
    });
    const tokenFile = path.join(cluster.serverDataDir, "metrics-token");
    metricsToken = readFileSync(tokenFile, "utf8").trim();
    const target = new URL(cluster.server);
    prometheus = await startPrometheus((dir) => {
      writeFileSync(path.join(dir, "ca.crt"), cluster.caPem);
      return [
        "  - job_name: everynode",
        "    scheme: https",
        "    metrics_path: /metrics",
        "    tls_config:",
        `      ca_file: ${path.join(dir, "ca.crt")}`,
        "    authorization:",
        `      credentials_file: ${tokenFile}`,
        "    static_configs:",
        `      - targets: ["${target.host}"]`,
      ];
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await cluster?.stop();
  }, 60_000);

  const query = (expr: string): ReturnType<Prometheus["query"]> => prometheus.query(expr);

  it("a query returns the DaemonSet's ready count as everynode's status has it", async () => {
    expect((await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", daemonSet)).status).toBe(
      201,
    );
    const status = await waitFor(
      "the DaemonSet to be ready on both nodes",
      async () => {
        const ds = (await cluster.api("GET", "/apis/apps/v1/namespaces/default/daemonsets/web"))
          .body as DaemonSet;
        return ds.status?.numberReady === 2 && ds.status;
      },
      120_000,
    );
    const ready = await waitFor(
      "Prometheus to have scraped the ready count",
      async () => {
        prometheus.checkAlive();
        const [sample] = await query(
          'everynode_daemonset_status_number_ready{namespace="default",daemonset="web"}',
        );
        return sample?.value === status.numberReady && sample;
      },
      60_000,
      500,
    );
    expect(ready.value).toBe(2);
    expect(ready.metric).toMatchObject({ job: "everynode", daemonset: "web" });
    expect((await query('up{job="everynode"}'))[0]?.value).toBe(1);
    expect((await query('everynode_nodes{ready="True"}'))[0]?.value).toBe(2);
    expect((await query("everynode_daemonset_rollout_updated_ratio"))[0]?.value).toBe(1);
    expect((await query("everynode_agent_sessions"))[0]?.value).toBe(2);
    // The DaemonSet's pods were planned by a pass and sent to both agents.
    expect(
      (await query("everynode_daemonset_controller_pass_duration_seconds_count"))[0]?.value,
    ).toBeGreaterThan(0);
    expect((await query("everynode_dispatch_latency_seconds_count"))[0]?.value).toBeGreaterThanOrEqual(2);
  }, 240_000);

  it("the agents' relayed figures reach Prometheus, one node label per agent", async () => {
    const running = await waitFor(
      "both agents' containers",
      async () => {
        const samples = await query('everynode_agent_containers{state="running"} >= 1');
        return samples.length === 2 && samples;
      },
      60_000,
      500,
    );
    expect(running.map((s) => s.metric.node).sort()).toEqual(["prom-master", "prom-worker"]);
    const starts = await query("everynode_agent_container_start_duration_seconds_count");
    expect(starts[0]?.value).toBeGreaterThanOrEqual(2);
    const lag = await query("everynode_agent_reconcile_lag_seconds_count");
    expect(lag[0]?.value).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it("the real output passes promtool check metrics; the metrics token reads nothing else", async () => {
    const scrape = await fetchWith(cluster, "/metrics", metricsToken);
    expect(scrape.status).toBe(200);
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = execFile("promtool", ["check", "metrics"], (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
      child.stdin?.end(scrape.text);
    });
    expect(result).toEqual({ code: 0, output: "" });
    expect((await fetchWith(cluster, "/api/v1/nodes", metricsToken)).status).toBe(403);
  });

  it("the server's log is one JSON object per line", () => {
    const lines = cluster.logs
      .filter((l) => l.startsWith("[server] "))
      .map((l) => l.slice("[server] ".length));
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const o = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(o).slice(0, 3)).toEqual(["time", "level", "msg"]);
    }
    expect(lines.some((l) => (JSON.parse(l) as { msg: string }).msg === "everynode server is ready")).toBe(
      true,
    );
  });
});

/** A GET with another bearer token than the admin's. */
async function fetchWith(
  cluster: Cluster,
  urlPath: string,
  token: string,
): Promise<{ status: number; text: string }> {
  const r = await cluster.api("GET", urlPath, undefined, token);
  return { status: r.status, text: r.text };
}
