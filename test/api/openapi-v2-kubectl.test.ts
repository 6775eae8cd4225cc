// kubectl clients that read OpenAPI v2 as protobuf (1.20, 1.27, 1.28) apply, re-apply, change
// and delete DaemonSets against everynode, and a newer one (1.32) still does with the v2 document
// served. Over HTTPS, because kubectl sends bearer tokens only over TLS.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonSet } from "../../shared/api-types.js";
import { call, insecureKubeconfig, nodeObject, startApi, type ApiHarness } from "./harness.js";
import { selfSignedCertificate } from "./self-signed.js";
import { tutorialYaml as tutorialManifest } from "../helpers/tutorial.js";

const tutorialYaml = (image: string): string => tutorialManifest("toleration", image);

const run = promisify(execFile);
const SDK = "/usr/lib/google-cloud-sdk/bin";
const BINARIES = [
  "/opt/everynode/kubectl-1.20",
  `${SDK}/kubectl.1.27`,
  `${SDK}/kubectl.1.28`,
  `${SDK}/kubectl.1.32`,
]; // a missing one fails its tests: no skipping

// kube-prometheus' node-exporter.
const nodeExporterYaml = (memory: string): string => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
  namespace: monitoring
  labels: {app.kubernetes.io/name: node-exporter}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: node-exporter}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1}
  template:
    metadata:
      labels: {app.kubernetes.io/name: node-exporter}
      annotations: {prometheus.io/scrape: "true"}
    spec:
      hostNetwork: true
      hostPID: true
      nodeSelector: {kubernetes.io/os: linux}
      tolerations:
      - operator: Exists
      securityContext: {runAsNonRoot: true, runAsUser: 65534}
      containers:
      - name: node-exporter
        image: quay.io/prometheus/node-exporter:v1.8.2
        args: ["--path.rootfs=/host/root", "--web.listen-address=$(NODE_IP):9100"]
        env:
        - name: NODE_IP
          valueFrom:
            fieldRef: {fieldPath: status.hostIP}
        - name: NODE_NAME
          valueFrom:
            fieldRef: {apiVersion: v1, fieldPath: spec.nodeName}
        ports:
        - {name: metrics, containerPort: 9100, hostPort: 9100, protocol: TCP}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 1, memory: ${memory}}
        securityContext:
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        readinessProbe:
          httpGet: {path: /, port: metrics}
          initialDelaySeconds: 5
        volumeMounts:
        - {name: root, mountPath: /host/root, readOnly: true, mountPropagation: HostToContainer}
      volumes:
      - name: root
        hostPath: {path: /}
`;

describe.each(BINARIES)("%s", (binary) => {
  let h: ApiHarness;
  let dir: string;

  async function kubectl(...args: string[]): Promise<{ code: number; out: string }> {
    try {
      const { stdout, stderr } = await run(
        binary,
        [`--kubeconfig=${path.join(dir, "kubeconfig")}`, `--cache-dir=${path.join(dir, "cache")}`, ...args],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir }, timeout: 60_000 },
      );
      return { code: 0, out: stdout + stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return {
        code: typeof err.code === "number" ? err.code : -1,
        out: (err.stdout ?? "") + (err.stderr ?? ""),
      };
    }
  }
  /** Runs kubectl, expects success and returns what it printed. */
  async function ok(...args: string[]): Promise<string> {
    const r = await kubectl(...args);
    expect(r.code, `kubectl ${args.join(" ")}: ${r.out}`).toBe(0);
    // A schema kubectl could not use for the apply patch shows as a warning.
    expect(r.out).not.toContain("warning");
    return r.out;
  }
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    h = await startApi({ tls: selfSignedCertificate() });
    dir = mkdtempSync(path.join(tmpdir(), "everynode-kubectl-v2-"));
    write("kubeconfig", insecureKubeconfig(h.port));
    expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("node01") })).status).toBe(201);
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies the tutorial's DaemonSet: created, unchanged, configured", async () => {
    const ds = write("ds.yaml", tutorialYaml("nginx"));
    expect(await ok("apply", "-f", ds)).toContain("daemonset.apps/nginx created");
    expect(await ok("apply", "-f", ds)).toContain("daemonset.apps/nginx unchanged");
    write("ds.yaml", tutorialYaml("nginx:1.27"));
    expect(await ok("apply", "-f", ds)).toContain("daemonset.apps/nginx configured");
    expect(await ok("get", "ds", "nginx", "-o", "yaml")).toContain("image: nginx:1.27");
    const stored = h.store.get<DaemonSet>("daemonsets", "default", "nginx");
    // The strategic merge patch kept the single container (merged by name) and its port.
    expect(stored?.spec.template.spec.containers).toMatchObject([
      { name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] },
    ]);
  });

  it("rejects a misspelled field, naming it", async () => {
    const bad = write("bad.yaml", tutorialYaml("nginx:1.27").replace("  template:", "  templat:"));
    const r = await kubectl("apply", "-f", bad);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("templat");
    expect(h.store.get<DaemonSet>("daemonsets", "default", "nginx")?.metadata.generation).toBe(2);
  });

  it("applies a node-exporter-like DaemonSet with host paths, env fieldRefs and resources", async () => {
    const ns = write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n");
    expect(await ok("apply", "-f", ns)).toContain("namespace/monitoring created");
    const ds = write("ne.yaml", nodeExporterYaml("180Mi"));
    expect(await ok("apply", "-f", ds)).toContain("daemonset.apps/node-exporter created");
    expect(await ok("apply", "-f", ds)).toContain("daemonset.apps/node-exporter unchanged");
    write("ne.yaml", nodeExporterYaml("256Mi"));
    expect(await ok("apply", "-f", ds)).toContain("daemonset.apps/node-exporter configured");
    const stored = h.store.get<DaemonSet>("daemonsets", "monitoring", "node-exporter");
    const container = stored?.spec.template.spec.containers[0];
    expect(container?.resources?.limits).toMatchObject({ memory: "256Mi" });
    expect(container?.env?.map((e) => e.name)).toEqual(["NODE_IP", "NODE_NAME"]);
    expect(await ok("delete", "-f", ds)).toContain('daemonset.apps "node-exporter" deleted');
  });

  it("deletes what it applied", async () => {
    expect(await ok("delete", "-f", path.join(dir, "ds.yaml"))).toContain('daemonset.apps "nginx" deleted');
    expect(h.store.get("daemonsets", "default", "nginx")).toBeUndefined();
  });
});

describe("GET /openapi/v2", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ tls: selfSignedCertificate() });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(["/openapi/v2", "/swagger-2.0.0.pb-v1"])("%s needs a token like every other path", async (p) => {
    expect((await call(h, "GET", p, { token: null })).status).toBe(401);
  });

  it("answers protobuf to kubectl's Accept and JSON otherwise", async () => {
    const pb = await call(h, "GET", "/openapi/v2", {
      accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    });
    expect(pb.status).toBe(200);
    expect(pb.headers.get("content-type")).toBe("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    expect(pb.text).toContain("io.k8s.api.apps.v1.DaemonSet");
    const json = await call(h, "GET", "/openapi/v2", { accept: "application/json" });
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(json.json.swagger).toBe("2.0");
    expect(json.json.definitions["io.k8s.api.core.v1.Node"]["x-kubernetes-group-version-kind"]).toEqual([
      { group: "", kind: "Node", version: "v1" },
    ]);
  });
});
