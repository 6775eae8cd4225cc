// What one Prometheus scrape of /metrics costs at the size everynode is built for: 10,000
// nodes (with their Ready conditions), 5 DaemonSets on every node (50,000 pods), 10,000
// agents' relayed summaries, and a filled request histogram. The gauges are computed at
// scrape time from the store's in-memory objects: this measures that, and the text's size.
// Reports to bench/results/metrics-scrape.json.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DaemonSet, Node } from "../shared/api-types.js";
import { systemClock } from "../shared/clock.js";
import { silentLogger } from "../shared/logger.js";
import { AGENT_METRIC_BUCKETS } from "../shared/protocol.js";
import { DaemonSetController } from "../control-plane/controller/daemonset-controller.js";
import { EventRecorder } from "../control-plane/events/event-recorder.js";
import { ControlPlaneMetrics } from "../control-plane/metrics/control-plane-metrics.js";
import { openStore } from "../control-plane/store/index.js";

export interface MetricsScrapeBenchResult {
  nodes: number;
  pods: number;
  series: number;
  bytes: number;
  /** The first scrape after a change of the store (the fleet is read again). */
  changedScrapeMs: number[];
  changedScrapeMedianMs: number;
  /** Scrapes with no store change in between (the fleet read is shared). */
  unchangedScrapeMedianMs: number;
  /** The part of a scrape that reads the store: nodes by Ready, DaemonSet gauges, object counts, size. */
  fleetGaugesMs: number;
}

/** The gauges computed from the store at scrape time. */
const STORE_GAUGES = [
  "everynode_nodes",
  "everynode_daemonset_status_number_ready",
  "everynode_daemonset_rollout_updated_ratio",
  "everynode_store_objects",
  "everynode_store_database_bytes",
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function node(i: number): Node {
  const name = `node-${String(i).padStart(5, "0")}`;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    spec: {},
    status: { conditions: [{ type: "Ready", status: i % 100 === 0 ? "False" : "True" }] },
  };
}

function daemonSet(name: string): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: "everynode/web:test" }] },
      },
    },
  };
}

export async function runMetricsScrapeBench(
  nodeCount = 10_000,
  daemonSetCount = 5,
): Promise<MetricsScrapeBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-bench-metrics-"));
  const metrics = new ControlPlaneMetrics();
  const store = openStore({
    path: path.join(dir, "bench.db"),
    clock: systemClock,
    onWrite: metrics.storeWrite,
  });
  try {
    store.transaction((tx) => {
      for (let i = 0; i < nodeCount; i++) tx.create("nodes", node(i));
      for (let d = 0; d < daemonSetCount; d++) tx.create("daemonsets", daemonSet(`ds-${d}`));
    });
    const events = new EventRecorder({ store, clock: systemClock, ttlMs: 3_600_000 });
    new DaemonSetController({
      store,
      clock: systemClock,
      logger: silentLogger,
      events,
      onPass: metrics.controllerPass,
    }).runOnce();
    metrics.attach({ store, sessions: () => nodeCount });
    const counts = AGENT_METRIC_BUCKETS.map(() => 0).concat([0]);
    for (let i = 0; i < nodeCount; i++) {
      metrics.agents.accept(`node-${String(i).padStart(5, "0")}`, {
        v: 1,
        type: "metrics",
        containers: { running: daemonSetCount, waiting: 0, terminated: 0 },
        restarts: i % 7,
        imagePulls: { counts, sum: 0 },
        containerStarts: { counts, sum: 0 },
        reconcileLag: { counts, sum: 0 },
      });
    }
    for (const verb of ["GET", "LIST", "WATCH", "POST", "PUT", "PATCH", "DELETE"])
      for (const resource of ["nodes", "pods", "daemonsets", "events", "namespaces"])
        metrics.api.requestDone({
          verb,
          resource,
          subresource: "",
          code: 200,
          seconds: 0.01,
          longRunning: false,
        });

    const text = (await metrics.render()).text;
    const changedScrapeMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      // A heartbeat-like write: the next scrape must read the fleet again.
      const n = structuredClone(store.get<Node>("nodes", undefined, "node-00001") as Node);
      n.metadata.annotations = { bench: String(i) };
      store.update("nodes", n);
      changedScrapeMs.push(await time(() => metrics.render()));
    }
    const unchanged: number[] = [];
    for (let i = 0; i < 5; i++) unchanged.push(await time(() => metrics.render()));
    // The gauges read from the store alone, each time after a change (so the fleet is read again).
    const fleet: number[] = [];
    for (let i = 0; i < 5; i++) {
      const n = structuredClone(store.get<Node>("nodes", undefined, "node-00002") as Node);
      n.metadata.annotations = { bench: `fleet-${i}` };
      store.update("nodes", n);
      fleet.push(
        await time(async () => {
          for (const name of STORE_GAUGES) await metrics.registry.getSingleMetricAsString(name);
        }),
      );
    }
    const fleetGaugesMs = median(fleet);
    return {
      nodes: nodeCount,
      pods: store.list("pods").length,
      series: text.split("\n").filter((l) => l && !l.startsWith("#")).length,
      bytes: Buffer.byteLength(text),
      changedScrapeMs: changedScrapeMs.map((x) => Number(x.toFixed(1))),
      changedScrapeMedianMs: Number(median(changedScrapeMs).toFixed(1)),
      unchangedScrapeMedianMs: Number(median(unchanged).toFixed(1)),
      fleetGaugesMs: Number(fleetGaugesMs.toFixed(1)),
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
