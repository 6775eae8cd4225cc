// The logging use case for the upstream log shippers' tests: a DaemonSet whose pods each print
// one known line, what a shipper stand-in says it shipped (its `kubectl logs`), and the
// removal of what pods' logs a test left in the kubelet's layout under a real /var/log.

import { readdirSync, readlinkSync, rmdirSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { Cluster } from "./cluster.js";
import { waitFor } from "./cluster.js";
import { UPSTREAM_IMAGE_PREFIX } from "./upstream-fixtures.js";

export const LOGGER_NAMESPACE = "shop";
export const LOGGER_NAME = "order-log";
export const LOGGER_CONTAINER = "orders";

/** The line each logger pod prints once, naming its node (from the downward API). */
export const loggerLine = (node: string): string => `order 42 placed on ${node}`;

/** A DaemonSet of the offline base image printing loggerLine(its node), then idling. */
export function loggerDaemonSet(): Record<string, unknown> {
  const labels = { app: LOGGER_NAME };
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: LOGGER_NAME, namespace: LOGGER_NAMESPACE },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: LOGGER_CONTAINER,
              image: `${UPSTREAM_IMAGE_PREFIX}/base:test`,
              command: ["sh", "-c", `echo "${loggerLine("$NODE_NAME")}"; exec sleep 86400`],
              env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
            },
          ],
        },
      },
    },
  };
}

export interface Shipped {
  namespace: string;
  pod: string;
  container: string;
  log: string;
}

/** The lines a shipper stand-in printed as shipped: `<name>: shipped namespace=… pod=… …
 * log=…` (fluentd, Fluent Bit, Filebeat) or Vector's console JSON. Pure. */
export function shippedLines(output: string): Shipped[] {
  const out: Shipped[] = [];
  for (const line of output.split("\n")) {
    const kv = /^[\w-]+: shipped namespace=(\S*) pod=(\S*) container=(\S*) .*? log=(.*)$/.exec(line);
    if (kv) {
      out.push({ namespace: kv[1]!, pod: kv[2]!, container: kv[3]!, log: kv[4]! });
      continue;
    }
    if (!line.startsWith("{")) continue;
    try {
      const j = JSON.parse(line) as {
        source_type?: string;
        message?: string;
        kubernetes?: { pod_namespace?: string; pod_name?: string; container_name?: string };
      };
      if (j.source_type !== "kubernetes_logs" || !j.kubernetes) continue;
      out.push({
        namespace: j.kubernetes.pod_namespace ?? "",
        pod: j.kubernetes.pod_name ?? "",
        container: j.kubernetes.container_name ?? "",
        log: j.message ?? "",
      });
    } catch {
      // Not a JSON line of the shipper's.
    }
  }
  return out;
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Removes, from the kubelet's layout under `root` (pods/, containers/), the files of pods with
 * these uids, then the two folders if that left them empty and `removeEmpty` says they were
 * made by the test. Returns what it removed.
 */
export function sweepPodLogs(root: string, uids: Iterable<string>, removeEmpty: boolean): string[] {
  const mine = [...uids];
  const removed: string[] = [];
  const pods = path.join(root, "pods");
  for (const dir of entries(pods)) {
    if (mine.some((uid) => dir.endsWith(`_${uid}`))) {
      rmSync(path.join(pods, dir), { recursive: true, force: true });
      removed.push(path.join(pods, dir));
    }
  }
  const links = path.join(root, "containers");
  for (const link of entries(links)) {
    let target = "";
    try {
      target = readlinkSync(path.join(links, link));
    } catch {
      continue;
    }
    if (mine.some((uid) => target.includes(`_${uid}/`))) {
      rmSync(path.join(links, link), { force: true });
      removed.push(path.join(links, link));
    }
  }
  if (removeEmpty) {
    for (const dir of [pods, links]) {
      try {
        rmdirSync(dir);
      } catch {
        // Not empty (another run's pods) or not there.
      }
    }
  }
  return removed;
}

/**
 * The logging use case: while a shipper runs (its pods `shippers()` in `namespace`, one a
 * node), a DaemonSet's pods each print a known line; on every node, the shipper's output has
 * that line with the pod's name, namespace and container as the shipper parsed them from the
 * log files' names. The logger pods' uids go into `seen`.
 */
export async function shipsLogs(
  cluster: Cluster,
  namespace: string,
  shippers: () => Promise<any[]>,
  seen: Set<string>,
): Promise<void> {
  const ns = await cluster.kubectl(["create", "namespace", LOGGER_NAMESPACE]);
  expect(ns.code, ns.stderr).toBe(0);
  try {
    const applied = await cluster.kubectl(["apply", "-f", "-"], { input: JSON.stringify(loggerDaemonSet()) });
    expect(applied.code, applied.stderr).toBe(0);
    const running = await shippers();
    const loggers = await waitFor(
      "a logger pod running on each node",
      async () => {
        const pods = (await cluster.pods(LOGGER_NAMESPACE)).filter((p) => p.status?.phase === "Running");
        for (const p of pods) seen.add(p.metadata.uid);
        return pods.length === running.length && pods;
      },
      60_000,
      500,
    );
    for (const shipper of running) {
      const node = shipper.spec.nodeName;
      const logger = loggers.find((p) => p.spec.nodeName === node)?.metadata.name;
      expect(logger, `a logger pod on ${node}`).toBeDefined();
      await waitFor(
        `${shipper.metadata.name} (on ${node}) to ship the line of ${logger}`,
        async () => {
          const out = await cluster.kubectl(["logs", "-n", namespace, shipper.metadata.name]);
          return shippedLines(out.stdout).some(
            (s) =>
              s.namespace === LOGGER_NAMESPACE &&
              s.pod === logger &&
              s.container === LOGGER_CONTAINER &&
              s.log === loggerLine(node),
          );
        },
        30_000,
        500,
      );
    }
  } finally {
    await cluster.kubectl(["delete", "namespace", LOGGER_NAMESPACE, "--wait=true"]);
  }
}
