// The safety net with the real kubectl: a DaemonSet whose pod spec carries a field the agent
// cannot apply is refused with a 422 naming the field, nothing stored; one with a field that
// means nothing here is stored, and kubectl prints the server's Warning.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { selfSignedCertificate } from "./self-signed.js";
import { call, insecureKubeconfig, startApi, tutorialDaemonSet, type ApiHarness } from "./harness.js";

const run = promisify(execFile);

describe("pod-spec fields the agent does not apply", () => {
  let h: ApiHarness;
  let dir: string;

  async function kubectl(...args: string[]): Promise<{ code: number; out: string }> {
    try {
      const { stdout, stderr } = await run(
        "/usr/bin/kubectl",
        [`--kubeconfig=${path.join(dir, "kubeconfig")}`, `--cache-dir=${path.join(dir, "cache")}`, ...args],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir }, timeout: 60_000 },
      );
      return { code: 0, out: stdout + stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? 1, out: (err.stdout ?? "") + (err.stderr ?? "") };
    }
  }

  function manifest(
    name: string,
    podSpec: Record<string, unknown>,
    container: Record<string, unknown> = {},
  ): string {
    const ds = tutorialDaemonSet(name, "everynode/web:test") as {
      spec: { template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } };
    };
    Object.assign(ds.spec.template.spec, podSpec);
    Object.assign(ds.spec.template.spec.containers[0]!, container);
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, stringify(ds));
    return file;
  }

  beforeAll(async () => {
    h = await startApi({ tls: selfSignedCertificate() });
    dir = mkdtempSync(path.join(tmpdir(), "everynode-unapplied-"));
    writeFileSync(path.join(dir, "kubeconfig"), insecureKubeconfig(h.port));
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses what the agent would not apply, naming each field, and stores nothing", async () => {
    const file = manifest(
      "refused",
      { volumes: [{ name: "cfg", nfs: { server: "nfs.example", path: "/" } }] },
      { tty: true, volumeMounts: [{ name: "cfg", mountPath: "/cfg", subPathExpr: "$(POD)" }] },
    );
    const r = await kubectl("apply", "-f", file);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('The DaemonSet "refused" is invalid');
    expect(r.out).toContain("spec.template.spec.volumes[0].nfs: Forbidden: everynode's agent mounts");
    expect(r.out).toContain("spec.template.spec.containers[0].tty: Forbidden");
    expect(r.out).toContain("spec.template.spec.containers[0].volumeMounts[0].subPathExpr: Forbidden");
    expect((await call(h, "GET", "/apis/apps/v1/namespaces/default/daemonsets/refused")).status).toBe(404);
  });

  it("gives the 422 as a Kubernetes Status with a cause per field", async () => {
    const ds = tutorialDaemonSet("status") as { spec: { template: { spec: Record<string, unknown> } } };
    ds.spec.template.spec.hostname = "fixed";
    const r = await call(h, "POST", "/apis/apps/v1/namespaces/default/daemonsets", { body: ds });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({
      kind: "Status",
      reason: "Invalid",
      details: {
        causes: [{ reason: "FieldValueForbidden", field: "spec.template.spec.hostname" }],
      },
    });
  });

  it("stores a field that means nothing here, and kubectl prints the Warning", async () => {
    const file = manifest("warned", { priorityClassName: "system-node-critical" });
    const r = await kubectl("apply", "-f", file);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Warning: spec.template.spec.priorityClassName: everynode has no scheduler");
    expect(r.out).toContain("daemonset.apps/warned created");
    const stored = await call(h, "GET", "/apis/apps/v1/namespaces/default/daemonsets/warned");
    expect(stored.json.spec.template.spec.priorityClassName).toBe("system-node-critical");
  });

  it("accepts ConfigMaps and Secrets as volumes and env without a Warning, accepts a projected token, and refuses a trust bundle", async () => {
    const file = manifest(
      "config-delivered",
      {
        volumes: [
          {
            name: "cfg",
            configMap: { name: "app", items: [{ key: "a", path: "a.conf" }], defaultMode: 420 },
          },
          { name: "certs", secret: { secretName: "tls", optional: true } },
          {
            name: "info",
            downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] },
          },
          {
            name: "all",
            projected: { sources: [{ configMap: { name: "app" } }, { secret: { name: "tls" } }] },
          },
        ],
      },
      {
        envFrom: [{ configMapRef: { name: "app" }, prefix: "APP_" }],
        env: [{ name: "PASS", valueFrom: { secretKeyRef: { name: "tls", key: "k", optional: true } } }],
        volumeMounts: [{ name: "cfg", mountPath: "/etc/app" }],
      },
    );
    const r = await kubectl("apply", "-f", file);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain("Warning");
    expect(r.out).toContain("daemonset.apps/config-delivered created");

    // A serviceAccountToken source is projected (the agent fetches the token); a
    // clusterTrustBundle source is not, and is refused naming the field.
    const token = manifest("projected-token", {
      volumes: [{ name: "t", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }],
    });
    const accepted = await kubectl("apply", "-f", token);
    expect(accepted.code, accepted.out).toBe(0);
    expect(accepted.out).toContain("daemonset.apps/projected-token created");
    const bundle = manifest("projected-bundle", {
      volumes: [
        {
          name: "t",
          projected: {
            sources: [{ clusterTrustBundle: { signerName: "example.com/signer", path: "ca.pem" } }],
          },
        },
      ],
    });
    const refused = await kubectl("apply", "-f", bundle);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain(
      "spec.template.spec.volumes[0].projected.sources[0].clusterTrustBundle: Forbidden: everynode's agent projects configMap, secret, downwardAPI and serviceAccountToken sources only",
    );
  });
});
