// kubectl top against a real server and agents: a pod that burns a fifth of a core and holds
// about 40 MB shows plausible figures in `top pods`, `top pod --containers` and `top nodes`,
// with kubectl 1.33 and 1.30; and a node's credential cannot read metrics.k8s.io.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { kubectlPath, run, startCluster, TEST_IMAGE, waitFor } from "../helpers/cluster.js";
import { ok } from "./kubectl-fixtures.js";

const VERSIONS = ["1.30", "1.33"];

/** A DaemonSet whose container holds a 40 MB shell variable and spins, capped at 200m of CPU. */
const BURNER = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: burner
spec:
  selector:
    matchLabels: {app: burner}
  template:
    metadata:
      labels: {app: burner, tier: load}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: burn
        image: ${TEST_IMAGE}
        command: ["sh", "-c", "x=$(head -c 40000000 /dev/zero | tr '\\\\0' a); while :; do :; done"]
        resources:
          limits: {cpu: 200m, memory: 200Mi}
      - name: idle
        image: ${TEST_IMAGE}
        command: ["sleep", "3600"]
`;

/**
 * A kubectl top row's CPU (millicores) and memory (MiB), read as whole columns: a pod's
 * generated name may itself hold a digit and an "m" (burner-5m2kx).
 */
function figures(row: string): { cpu: number; memory: number } {
  const cells = row.trim().split(/\s+/);
  const cpu = cells.map((c) => /^(\d+)m$/.exec(c)).find(Boolean);
  const memory = cells.map((c) => /^(\d+)Mi$/.exec(c)).find(Boolean);
  return { cpu: Number(cpu?.[1] ?? NaN), memory: Number(memory?.[1] ?? NaN) };
}

describe("kubectl top", () => {
  let cluster: Cluster;
  let dir = "";
  let pod = "";
  const kubectl = (args: string[], version?: string, token?: string) =>
    run(kubectlPath(version), [...(token ? ["--token", token] : []), ...args], {
      env: { KUBECONFIG: cluster.kubeconfig },
      cwd: dir,
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "everynode-top-"));
    cluster = await startCluster({
      serverNodeName: "top-node",
      agents: [{ name: "top-worker" }],
      serverArgs: ["--metrics-resolution", "2s"],
    });
    writeFileSync(path.join(dir, "burner.yaml"), BURNER);
    ok(await kubectl(["apply", "-f", "burner.yaml"]));
    ok(await kubectl(["rollout", "status", "ds/burner", "--timeout=120s"]));
    pod = (await cluster.pods("default")).find((p) => p.spec?.nodeName === "top-worker")?.metadata.name ?? "";
    // The first figures come a sample after the memory is held: wait for them, not for a time.
    await waitFor(
      "both burners' figures",
      async () => {
        const r = await kubectl(["top", "pod", "--containers"]);
        const burns = r.stdout.split("\n").filter((l) => /\sburn\s/.test(l));
        const held = burns.filter((l) => figures(l).memory >= 30 && figures(l).cpu >= 50);
        if (held.length !== 2) throw new Error(`kubectl top said:\n${r.stdout}${r.stderr}`);
        return true;
      },
      120_000,
      1000,
    );
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(VERSIONS)("top pods -A shows the burner's CPU and memory (kubectl %s)", async (version) => {
    const out = ok(await kubectl(["top", "pods", "-A"], version));
    expect(out.split("\n")[0]).toMatch(/NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    const rows = out.split("\n").filter((l) => l.includes("burner-"));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const { cpu, memory } = figures(row);
      // Capped at 200m; spinning all the while, so well above nothing.
      expect(cpu).toBeGreaterThanOrEqual(50);
      expect(cpu).toBeLessThanOrEqual(260);
      expect(memory).toBeGreaterThanOrEqual(30);
      expect(memory).toBeLessThanOrEqual(200);
    }
  });

  it.each(VERSIONS)("top pod --containers -l splits the pod by container (kubectl %s)", async (version) => {
    const out = ok(await kubectl(["top", "pod", "--containers", "-l", "tier=load"], version));
    expect(out.split("\n")[0]).toMatch(/POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    const burn = out.split("\n").filter((l) => /\sburn\s/.test(l));
    const idle = out.split("\n").filter((l) => /\sidle\s/.test(l));
    expect(burn).toHaveLength(2);
    expect(idle).toHaveLength(2);
    for (const row of idle) expect(figures(row).cpu).toBeLessThan(20);
    const none = await kubectl(["top", "pod", "-l", "tier=none"], version);
    expect(none.stderr + none.stdout).toMatch(/No resources found|metrics not available/);
  });

  it.each(VERSIONS)("top nodes shows every node's host figures (kubectl %s)", async (version) => {
    const out = ok(await kubectl(["top", "nodes"], version));
    expect(out.split("\n")[0]).toMatch(
      /NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)/,
    );
    for (const node of ["top-node", "top-worker"]) {
      const row = out.split("\n").find((l) => l.startsWith(`${node} `)) ?? "";
      const { cpu, memory } = figures(row);
      // The whole host: at least the burner's fifth of a core, and more memory than it holds.
      expect(cpu).toBeGreaterThanOrEqual(100);
      expect(memory).toBeGreaterThanOrEqual(40);
      expect(row).toMatch(/\d+%/);
    }
  });

  it("reads as metrics-server's objects, with a window", async () => {
    const raw = JSON.parse(
      ok(await kubectl(["get", "--raw", `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${pod}`])),
    ) as { kind: string; window: string; timestamp: string; containers: { name: string }[] };
    expect(raw.kind).toBe("PodMetrics");
    expect(raw.window).toMatch(/^\d+(\.\d+)?s$/);
    expect(Number(raw.window.slice(0, -1))).toBeGreaterThanOrEqual(1.5);
    expect(raw.containers.map((c) => c.name).sort()).toEqual(["burn", "idle"]);
    const missing = await kubectl([
      "get",
      "--raw",
      "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope",
    ]);
    expect(missing.stderr).toContain("NotFound");
  });

  it("a ServiceAccount reads metrics.k8s.io once RBAC grants it, and only then", async () => {
    ok(await kubectl(["create", "serviceaccount", "viewer"]));
    const token = ok(await kubectl(["create", "token", "viewer"])).trim();
    const before = await kubectl(["top", "pods"], undefined, token);
    expect(before.code).not.toBe(0);
    expect(before.stderr).toContain('cannot list resource "pods" in API group "metrics.k8s.io"');
    ok(
      await kubectl([
        "create",
        "clusterrole",
        "top-reader",
        "--verb=get,list",
        "--resource=nodes,nodes.metrics.k8s.io,pods.metrics.k8s.io",
      ]),
    );
    ok(
      await kubectl([
        "create",
        "clusterrolebinding",
        "top-reader",
        "--clusterrole=top-reader",
        "--serviceaccount=default:viewer",
      ]),
    );
    expect(ok(await kubectl(["top", "pods"], undefined, token))).toMatch(/burner-/);
    expect(ok(await kubectl(["top", "nodes"], undefined, token))).toMatch(/top-worker/);
  });

  it("a node's credential cannot read metrics.k8s.io", async () => {
    const credential = JSON.parse(
      readFileSync(path.join(cluster.serverDataDir, "agent", "node-credential.json"), "utf8"),
    ) as { token: string };
    const nodes = await kubectl(["top", "nodes"], undefined, credential.token);
    expect(nodes.code).not.toBe(0);
    expect(nodes.stderr).toMatch(/forbidden/i);
    expect(nodes.stderr).toContain('cannot list resource "nodes" in API group "metrics.k8s.io"');
    const pods = await kubectl(
      ["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods"],
      undefined,
      credential.token,
    );
    expect(pods.code).not.toBe(0);
    expect(pods.stderr).toMatch(/forbidden/i);
  });
});
