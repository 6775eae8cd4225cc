// What the kubectl command tests share: the tutorial-shaped cluster, DaemonSet manifests
// on the local test image, and small checks on what kubectl printed.

import { writeFileSync } from "node:fs";
import path from "node:path";
import type { ClusterOptions, RunResult } from "../helpers/cluster.js";
import { TEST_IMAGE } from "../helpers/cluster.js";

/** A control-plane node tainted as kubeadm does, and two workers. */
export const KUBECTL_CLUSTER: ClusterOptions = {
  serverNodeName: "master",
  serverNodeTaints: ["node-role.kubernetes.io/control-plane:NoSchedule"],
  agents: [{ name: "worker-1" }, { name: "worker-2" }],
};

export interface ManifestOptions {
  name: string;
  image?: string;
  /** Extra labels on the DaemonSet itself. */
  labels?: Record<string, string>;
  /** Tolerate the control-plane taint, so the pods run on all three nodes. */
  tolerateControlPlane?: boolean;
  /** A second container that prints "line N" twice a second. */
  counter?: boolean;
  minReadySeconds?: number;
}

/** A DaemonSet manifest in YAML, with a short termination grace period. */
export function daemonSetYaml(o: ManifestOptions): string {
  const labels = { app: o.name, ...o.labels };
  const lines = [
    "apiVersion: apps/v1",
    "kind: DaemonSet",
    "metadata:",
    `  name: ${o.name}`,
    "  labels:",
    ...Object.entries(labels).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    "spec:",
    ...(o.minReadySeconds ? [`  minReadySeconds: ${o.minReadySeconds}`] : []),
    "  selector:",
    "    matchLabels:",
    `      app: ${o.name}`,
    "  template:",
    "    metadata:",
    "      labels:",
    `        app: ${o.name}`,
    "    spec:",
    "      terminationGracePeriodSeconds: 2",
    ...(o.tolerateControlPlane
      ? [
          "      tolerations:",
          "      - key: node-role.kubernetes.io/control-plane",
          "        operator: Exists",
          "        effect: NoSchedule",
        ]
      : []),
    "      containers:",
    "      - name: web",
    `        image: ${o.image ?? TEST_IMAGE}`,
    "        ports:",
    "        - containerPort: 80",
    ...(o.counter
      ? [
          "      - name: counter",
          `        image: ${o.image ?? TEST_IMAGE}`,
          '        command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.5; done"]',
        ]
      : []),
  ];
  return lines.join("\n") + "\n";
}

/** Writes a manifest into `dir` and returns its path. */
export function writeManifest(dir: string, file: string, o: ManifestOptions): string {
  const p = path.join(dir, file);
  writeFileSync(p, daemonSetYaml(o));
  return p;
}

/** stdout of a command that must succeed; otherwise an error showing everything it printed. */
export function ok(r: RunResult, what = "kubectl"): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** The non-empty lines of an output, without trailing blanks (kubectl pads some). */
export function lines(output: string): string[] {
  return output
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l !== "");
}

/** The whitespace-separated cells of the table row whose first cell is `first`. */
export function row(output: string, first: string): string[] | undefined {
  return lines(output)
    .map((l) => l.trim().split(/\s+/))
    .find((cells) => cells[0] === first);
}
