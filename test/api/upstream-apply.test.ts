// Multi-document upstream manifests (test/fixtures/upstream) applied as users apply them:
// `kubectl apply -f` with client-side validation on (1.27 and 1.33) and `everynode apply -f`.
// Every object of a kind everynode serves is created (Namespaces, ServiceAccounts, RBAC,
// ConfigMaps, the DaemonSet); each object of a kind it does not serve (Service,
// ServiceMonitor, PrometheusRule, NetworkPolicy) gets kubectl's "no matches for kind" while
// the rest is applied. `everynode delete -f` removes what it serves and reports the rest the
// same way. The pods are not run here (no agents): that is the agent's part.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { main } from "../../cli/main.js";
import { bufferIo } from "../../cli/io.js";
import { resourceForKind, type ResourceName } from "../../control-plane/kube/index.js";
import { testManifest, UPSTREAM_FIXTURES, type UpstreamFixture } from "../helpers/upstream-fixtures.js";
import { selfSignedCertificate } from "./self-signed.js";
import { call, insecureKubeconfig, kubectlRunner, startApi, type ApiHarness } from "./harness.js";

interface Doc {
  kind: string;
  name: string;
  namespace: string | undefined;
  resource: ResourceName | undefined;
  /** As the file has it ("" when it names none), as kubectl's message quotes it. */
  fileNamespace: string;
}

/** The objects of a manifest, with the resource everynode stores each under (if it serves the kind). */
function docsOf(yaml: string): Doc[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((o): o is { kind: string; metadata: { name: string; namespace?: string } } => Boolean(o?.kind))
    .map((o) => {
      const info = resourceForKind(o.kind);
      return {
        kind: o.kind,
        name: o.metadata.name,
        namespace: info?.namespaced ? (o.metadata.namespace ?? "default") : undefined,
        resource: info?.resource,
        fileNamespace: o.metadata.namespace ?? "",
      };
    });
}

const SERVICES = { elasticsearch: { host: "es.example", port: 9200 }, apiServer: "https://127.0.0.1:6443" };

describe.each(["1.27", "1.33", "everynode"])("apply -f with %s", (client) => {
  let h: ApiHarness;
  let dir: string;
  const kubeconfig = (): string => path.join(dir, "kubeconfig");

  /** Applies a file; the combined output and whether the client reported failure. */
  async function apply(file: string): Promise<{ out: string; failed: boolean }> {
    if (client === "everynode") {
      const io = bufferIo();
      const code = await main(["apply", "-f", file, `--kubeconfig=${kubeconfig()}`], io);
      return { out: io.stdout + io.stderr, failed: code !== 0 };
    }
    const kubectl = kubectlRunner(`/usr/lib/google-cloud-sdk/bin/kubectl.${client}`, kubeconfig(), () => dir);
    return kubectl("apply", "-f", file).then(
      (out) => ({ out, failed: false }),
      (e: Error) => ({ out: e.message, failed: true }),
    );
  }

  beforeAll(async () => {
    h = await startApi({ tls: selfSignedCertificate() });
    dir = mkdtempSync(path.join(tmpdir(), "everynode-upstream-apply-"));
    writeFileSync(kubeconfig(), insecureKubeconfig(h.port));
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(UPSTREAM_FIXTURES.map((f) => [f.name, f] as const))(
    "%s",
    async (_name, fixture: UpstreamFixture) => {
      const yaml = testManifest(fixture.name, SERVICES);
      const file = path.join(dir, `${fixture.name}.yaml`);
      writeFileSync(file, yaml);
      if (fixture.namespaceCreatedByTest)
        await call(h, "POST", "/api/v1/namespaces", { body: { metadata: { name: fixture.namespace } } });
      const docs = docsOf(yaml);
      const { out, failed } = await apply(file);
      // Every DaemonSet is accepted: their configMap, secret, downwardAPI and projected volumes,
      // env from ConfigMaps and Secrets and envFrom are applied by the agent (never refused).
      expect(out).not.toMatch(/is invalid/);
      for (const d of docs) {
        if (d.resource) {
          expect(h.store.get(d.resource, d.namespace, d.name), `${d.kind} ${d.name}: ${out}`).toBeDefined();
        } else {
          expect(out).toContain(
            `resource mapping not found for name: "${d.name}" namespace: "${d.fileNamespace}"`,
          );
          expect(out).toMatch(new RegExp(`no matches for kind "${d.kind}" in version "[^"]+"`));
        }
      }
      expect(out).not.toMatch(/failed to check CRD|Error from server/);
      expect(failed).toBe(docs.some((d) => !d.resource));
      expect(h.store.get("daemonsets", fixture.namespace, fixture.daemonSet)).toBeDefined();

      if (client !== "everynode") return;
      // everynode delete -f: what it serves goes, each unserved object gets its error, nothing stops it.
      const io = bufferIo();
      const code = await main(["delete", "-f", file, "--wait=false", `--kubeconfig=${kubeconfig()}`], io);
      expect(code, io.stderr).toBe(docs.some((d) => !d.resource) || /" not found/.test(io.stderr) ? 1 : 0);
      for (const d of docs) {
        if (!d.resource) {
          expect(io.stderr).toMatch(new RegExp(`no matches for kind "${d.kind}"`));
          continue;
        }
        const left = h.store.get(d.resource, d.namespace, d.name);
        // A deleted namespace may still be finishing (Terminating).
        expect(
          left === undefined || left.metadata.deletionTimestamp !== undefined,
          `${d.kind} ${d.name}`,
        ).toBe(true);
      }
    },
  );
});
