// Probes as a user relies on them: a DaemonSet whose readiness probe fails is not rolled out
// until the probe passes, and a failing liveness probe restarts the container.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { run, startCluster, TEST_IMAGE, waitFor } from "../helpers/cluster.js";

const manifest = (name: string, probe: string): string => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: web
        image: ${TEST_IMAGE}
${probe}`;

describe("probes", () => {
  let cluster: Cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-probes-"));

  beforeAll(async () => {
    cluster = await startCluster({
      noServerAgent: true,
      agents: [{ name: "probe-e2e-a" }, { name: "probe-e2e-b" }],
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("holds the rollout until the readiness probe passes", async () => {
    const file = path.join(dir, "ready.yaml");
    writeFileSync(
      file,
      manifest(
        "gated",
        `        readinessProbe:
          exec: {command: ["test", "-f", "/tmp/ready"]}
          periodSeconds: 1`,
      ),
    );
    expect((await cluster.kubectl(["apply", "-f", file])).code).toBe(0);
    await waitFor(
      "two running but unready pods",
      async () => {
        const out = (await cluster.kubectl(["get", "pods", "-l", "app=gated"])).stdout;
        return (out.match(/0\/1\s+Running/g) ?? []).length === 2;
      },
      60_000,
    );
    const waiting = await cluster.kubectl(["rollout", "status", "ds/gated", "--timeout=3s"]);
    expect(waiting.code).not.toBe(0);
    expect(waiting.stdout).toContain("0 of 2 updated pods are available");

    const ids = (await run("docker", ["ps", "-q", "--filter", "label=io.everynode.daemonset=gated"])).stdout
      .split("\n")
      .filter(Boolean);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect((await run("docker", ["exec", id, "touch", "/tmp/ready"])).code).toBe(0);
    const done = await cluster.kubectl(["rollout", "status", "ds/gated", "--timeout=60s"]);
    expect(done.stdout).toContain('daemon set "gated" successfully rolled out');
    const pods = (await cluster.kubectl(["get", "pods", "-l", "app=gated"])).stdout;
    expect(pods.match(/1\/1\s+Running/g)).toHaveLength(2);
  }, 120_000);

  it("restarts a container whose liveness probe fails, and says why", async () => {
    const file = path.join(dir, "live.yaml");
    writeFileSync(
      file,
      manifest(
        "unhealthy",
        `        livenessProbe:
          httpGet: {path: /missing.html, port: 80}
          periodSeconds: 1
          failureThreshold: 2`,
      ),
    );
    expect((await cluster.kubectl(["apply", "-f", file])).code).toBe(0);
    const pod = await waitFor(
      "a restart after the liveness probe failed",
      async () => {
        const p = (await cluster.pods("default")).find(
          (x) => x.metadata.labels?.app === "unhealthy" && x.spec.nodeName === "probe-e2e-a",
        );
        return p?.status?.containerStatuses?.[0]?.restartCount >= 1 ? p : undefined;
      },
      60_000,
    );
    expect(pod.status.containerStatuses[0].lastState.terminated.message).toContain("Liveness probe failed");
    const described = await cluster.kubectl(["describe", "pod", pod.metadata.name]);
    expect(described.stdout).toMatch(
      /Unhealthy\s+.*Liveness probe failed: HTTP probe failed with statuscode: 404/,
    );
  }, 120_000);
});
