// How fast the control plane reconciles the cluster size it is designed for: 10,000 nodes
// and 5 DaemonSets on every node (50,000 pods), on a real SQLite file. Reports to
// bench/results/reconcile.json; the goal is a steady pass well under a second.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DaemonSet, Node } from "../shared/api-types.js";
import { systemClock } from "../shared/clock.js";
import { silentLogger } from "../shared/logger.js";
import { DaemonSetController } from "../control-plane/controller/daemonset-controller.js";
import { EventRecorder } from "../control-plane/events/event-recorder.js";
import { openStore } from "../control-plane/store/index.js";

export interface ReconcileBenchResult {
  nodes: number;
  daemonSets: number;
  pods: number;
  createNodesMs: number;
  firstPassMs: number;
  steadyPassMs: number[];
  steadyPassMedianMs: number;
  labelChangePassMs: number;
  reopenMs: number;
  goalMs: number;
  /** goal ÷ measured steady pass: above 1 meets the goal. */
  steadyGoalRatio: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function makeNode(i: number): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: `node-${String(i).padStart(5, "0")}`,
      labels: { "kubernetes.io/hostname": `node-${i}`, all: "yes" },
    },
    spec: {},
  };
}

function makeDaemonSet(name: string, selector: Record<string, string>): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: {
        metadata: { labels: { app: name } },
        spec: { nodeSelector: selector, containers: [{ name, image: "everynode/web:test" }] },
      },
    },
  };
}

export function runReconcileBench(nodeCount = 10_000, daemonSetCount = 5): ReconcileBenchResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-bench-"));
  const file = path.join(dir, "bench.db");
  try {
    let store = openStore({ path: file, clock: systemClock });
    const createNodesMs = time(() =>
      store.transaction((tx) => {
        for (let i = 0; i < nodeCount; i++) tx.create("nodes", makeNode(i));
      }),
    );
    store.transaction((tx) => {
      for (let d = 0; d < daemonSetCount; d++)
        tx.create("daemonsets", makeDaemonSet(`ds-${d}`, { all: "yes" }));
    });
    const events = new EventRecorder({ store, clock: systemClock, ttlMs: 3_600_000 });
    const controller = new DaemonSetController({ store, clock: systemClock, logger: silentLogger, events });
    const firstPassMs = time(() => controller.runOnce());
    const pods = store.list("pods").length;
    const steadyPassMs = Array.from({ length: 5 }, () => time(() => controller.runOnce()));
    const target = store.get<Node>("nodes", undefined, "node-00042") as Node;
    const changed = structuredClone(target) as Node;
    changed.metadata.labels = { ...changed.metadata.labels, all: "no" };
    store.update("nodes", changed);
    const labelChangePassMs = time(() => controller.runOnce());
    store.close();
    const reopenMs = time(() => {
      store = openStore({ path: file, clock: systemClock });
    });
    store.close();
    const steadyPassMedianMs = median(steadyPassMs);
    const goalMs = 1000;
    return {
      nodes: nodeCount,
      daemonSets: daemonSetCount,
      pods,
      createNodesMs: Math.round(createNodesMs),
      firstPassMs: Math.round(firstPassMs),
      steadyPassMs: steadyPassMs.map((x) => Math.round(x)),
      steadyPassMedianMs: Math.round(steadyPassMedianMs),
      labelChangePassMs: Math.round(labelChangePassMs),
      reopenMs: Math.round(reopenMs),
      goalMs,
      steadyGoalRatio: Number((goalMs / steadyPassMedianMs).toFixed(2)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
