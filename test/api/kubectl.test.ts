// The real kubectl against everynode's API: the tutorial's apply/get/label/taint/cordon/delete
// flow, with a fresh discovery cache so that discovery and OpenAPI are exercised too. Over
// HTTPS, because kubectl never sends a bearer token over plain HTTP.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selfSignedCertificate } from "./self-signed.js";
import type { Node } from "../../shared/api-types.js";
import { call, insecureKubeconfig, nodeObject, seedPod, startApi, type ApiHarness } from "./harness.js";
import { tutorialYaml } from "../helpers/tutorial.js";

const run = promisify(execFile);
// Every kubectl this machine has, 1.27 to 1.33 (a missing one fails the test: no skipping).
const BINARIES = ["1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"].map(
  (v) => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`,
);

const dsYaml = (image: string): string => tutorialYaml("toleration", image);

describe.each(BINARIES)("%s", (binary) => {
  let h: ApiHarness;
  let dir: string;

  async function kubectl(...args: string[]): Promise<string> {
    try {
      const { stdout, stderr } = await run(
        binary,
        [`--kubeconfig=${path.join(dir, "kubeconfig")}`, `--cache-dir=${path.join(dir, "cache")}`, ...args],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir }, timeout: 60_000 },
      );
      return stdout + stderr;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `kubectl ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`,
      );
    }
  }

  beforeAll(async () => {
    h = await startApi({ tls: selfSignedCertificate() });
    dir = mkdtempSync(path.join(tmpdir(), "everynode-kubectl-"));
    writeFileSync(path.join(dir, "kubeconfig"), insecureKubeconfig(h.port));
    writeFileSync(path.join(dir, "ds.yaml"), dsYaml("nginx"));
    for (const [name, labels] of [
      ["controlplane", { "node-role.kubernetes.io/control-plane": "" }],
      ["node01", {}],
    ] as const) {
      expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject(name, labels) })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies the tutorial's DaemonSet: created, unchanged, configured", async () => {
    const ds = path.join(dir, "ds.yaml");
    expect(await kubectl("apply", "-f", ds)).toContain("daemonset.apps/nginx created");
    expect(await kubectl("apply", "-f", ds)).toContain("daemonset.apps/nginx unchanged");
    writeFileSync(ds, dsYaml("nginx:1.27"));
    expect(await kubectl("apply", "-f", ds)).toContain("daemonset.apps/nginx configured");
    const yaml = await kubectl("get", "ds", "nginx", "-o", "yaml");
    for (const text of [
      "type: RollingUpdate",
      "maxUnavailable: 1",
      "revisionHistoryLimit: 10",
      "image: nginx:1.27",
      "dnsPolicy: ClusterFirst",
      "generation: 2",
      "kubectl.kubernetes.io/last-applied-configuration",
    ]) {
      expect(yaml).toContain(text);
    }
  });

  it("prints tables for nodes, pods, DaemonSets and all", async () => {
    // The DaemonSet controller is not part of this test: its pod is put in place by hand.
    const pod = structuredClone(seedPod(h.store, "nginx-b2x4k", "node01"));
    const uid = h.store.get("daemonsets", "default", "nginx")?.metadata.uid ?? "";
    pod.metadata.ownerReferences = [
      { apiVersion: "apps/v1", kind: "DaemonSet", name: "nginx", uid, controller: true },
    ];
    h.store.update("pods", pod);
    const nodes = await kubectl("get", "nodes", "-o", "wide");
    expect(nodes).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP/);
    expect(nodes).toMatch(/controlplane\s+Ready\s+control-plane/);
    expect(await kubectl("get", "pods", "-o", "wide")).toMatch(
      /nginx-b2x4k\s+\S+\s+Running\s+0\s+\S+\s+10\.244\.0\.5\s+node01/,
    );
    expect(await kubectl("get", "ds", "-o", "wide")).toMatch(
      /nginx\s+0\s+0\s+0\s+0\s+0\s+<none>\s+\S+\s+nginx\s+nginx:1\.27\s+app=nginx/,
    );
    const all = await kubectl("get", "all", "-o", "wide");
    expect(all).toContain("pod/nginx-b2x4k");
    expect(all).toContain("daemonset.apps/nginx");
    const allNs = await kubectl("get", "all", "-A", "-o", "wide");
    expect(allNs).toMatch(/default\s+pod\/nginx-b2x4k/);
  });

  it("labels, taints, cordons and describes nodes", async () => {
    expect(await kubectl("label", "nodes", "node01", "disk=ssd")).toContain("node/node01 labeled");
    expect(await kubectl("taint", "nodes", "node01", "key=value:NoSchedule")).toContain(
      "node/node01 tainted",
    );
    expect(h.store.get<Node>("nodes", undefined, "node01")?.spec.taints).toEqual([
      { key: "key", value: "value", effect: "NoSchedule" },
    ]);
    expect(await kubectl("taint", "nodes", "node01", "key:NoSchedule-")).toContain("node/node01 untainted");
    expect(await kubectl("cordon", "node01")).toContain("node/node01 cordoned");
    expect(await kubectl("get", "nodes")).toMatch(/node01\s+Ready,SchedulingDisabled/);
    expect(await kubectl("uncordon", "node01")).toContain("node/node01 uncordoned");
    const describe = await kubectl("describe", "node", "node01");
    expect(describe).toMatch(/Labels:\s+disk=ssd/);
    expect(describe).toContain("nginx-b2x4k");
  });

  it("waits for a finished rollout and reads logs", async () => {
    const generation = h.store.get("daemonsets", "default", "nginx")?.metadata.generation;
    const status = {
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      observedGeneration: generation,
    };
    const r = await call(h, "PATCH", "/apis/apps/v1/namespaces/default/daemonsets/nginx/status", {
      body: { status },
      contentType: "application/merge-patch+json",
    });
    expect(r.status).toBe(200);
    expect(await kubectl("rollout", "status", "ds/nginx", "--timeout=30s")).toContain(
      'daemon set "nginx" successfully rolled out',
    );
    expect(await kubectl("logs", "nginx-b2x4k")).toBe("nginx line 1\nnginx line 2\n");
  });

  it("deletes what it applied", async () => {
    expect(await kubectl("delete", "-f", path.join(dir, "ds.yaml"))).toContain(
      'daemonset.apps "nginx" deleted',
    );
    expect(h.store.get("daemonsets", "default", "nginx")).toBeUndefined();
  });
});
