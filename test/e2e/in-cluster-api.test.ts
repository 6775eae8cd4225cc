// In-cluster API access on a real agent and real Docker: pods using the official client
// library's in-cluster configuration (@kubernetes/client-node's loadFromCluster, which reads
// KUBERNETES_SERVICE_HOST/PORT and the mounted token and ca.crt), one bridged and one on the
// host's network, list what their Role allows (200), are refused what it does not (403),
// and the token of a deleted pod is refused (401). A projected serviceAccountToken source
// gets a token for its audience and life, bound to the pod and node as the default token is;
// the API refuses one meant for another audience (401) and takes one meant for itself.

import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { offlineBaseImage, REPO_ROOT, run, startCluster, waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";

/** A JWT's payload, as a reader of the token file would decode it. */
const claimsOf = (jwt: string): Record<string, any> =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));

const MODULES = realpathSync(path.join(REPO_ROOT, "node_modules"));
const CLIENT = path.join(MODULES, "@kubernetes/client-node/dist/index.js");

// Lists ConfigMaps (allowed) and Secrets (not), prints one line per answer, then waits.
const SCRIPT = `
const k8s = await import(${JSON.stringify(CLIENT)});
const kc = new k8s.KubeConfig();
kc.loadFromCluster();
const api = kc.makeApiClient(k8s.CoreV1Api);
const code = (p) => p.then(() => 200, (e) => e.code ?? String(e));
console.log("RESULT server=" + kc.getCurrentCluster().server +
  " configmaps=" + (await code(api.listNamespacedConfigMap({ namespace: "default" }))) +
  " secrets=" + (await code(api.listNamespacedSecret({ namespace: "default" }))));
setInterval(() => {}, 1 << 30);
`;

const RBAC = `apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: configmap-reader, namespace: default}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: default}
subjects: [{kind: ServiceAccount, name: reader, namespace: default}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-reader}
`;

/** The pods' image: this machine's node, built offline (set in beforeAll). */
let NODE_IMAGE = "";

const clientDs = (name: string, hostNetwork: boolean): Record<string, unknown> =>
  webDaemonSet(
    name,
    {
      image: NODE_IMAGE,
      imagePullPolicy: "Never",
      command: ["node", "--input-type=module", "-e", SCRIPT],
      volumeMounts: [{ name: "modules", mountPath: MODULES, readOnly: true }],
    },
    {
      serviceAccountName: "reader",
      hostNetwork,
      volumes: [{ name: "modules", hostPath: { path: MODULES, type: "Directory" } }],
    },
    1,
  );

describe("in-cluster API access with the official client library", () => {
  let cluster: Cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-in-cluster-"));

  beforeAll(async () => {
    NODE_IMAGE = await offlineBaseImage();
    // Every address: bridged pods reach a server on this host through the bridge's gateway.
    cluster = await startCluster({ serverArgs: ["--listen", "0.0.0.0:0"], serverNodeName: "incluster-e2e" });
    const file = path.join(dir, "rbac.yaml");
    writeFileSync(file, RBAC);
    const r = await cluster.kubectl(["apply", "-f", file]);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const resultOf = async (app: string): Promise<{ pod: string; line: string }> =>
    waitFor(
      `${app}'s answers`,
      async () => {
        const pod = (await cluster.pods("default")).find((p) => p.metadata.labels?.app === app);
        if (!pod) throw new Error("no pod yet");
        const logs = await cluster.kubectl(["logs", pod.metadata.name]);
        const line = logs.stdout.split("\n").find((l) => l.startsWith("RESULT"));
        if (line) return { pod: pod.metadata.name as string, line };
        // What a timeout reports: where the pod is and what it printed.
        const waiting = pod.status?.containerStatuses?.[0]?.state;
        throw new Error(
          `pod ${pod.metadata.name} ${pod.status?.phase} ${JSON.stringify(waiting)}; logs: ${(logs.stdout + logs.stderr).slice(-600)}`,
        );
      },
      90_000,
    );

  it.each([
    ["bridged", false],
    ["host-network", true],
  ])(
    "a %s pod lists what its Role allows, is refused the rest, and its token dies with it",
    async (app, hostNetwork) => {
      const created = await cluster.api(
        "POST",
        "/apis/apps/v1/namespaces/default/daemonsets",
        clientDs(app, hostNetwork),
      );
      expect(created.status, created.text).toBe(201);
      const { pod, line } = await resultOf(app);
      expect(line).toMatch(/ configmaps=200 secrets=403$/);
      const container = (await cluster.containers()).find(
        (c) => c.name.includes(app) && c.state === "running",
      );
      expect(container).toBeDefined();
      const env = await run("docker", ["exec", container!.id, "sh", "-c", "env | grep ^KUBERNETES_ | sort"]);
      const host = /KUBERNETES_SERVICE_HOST=(.*)/.exec(env.stdout)?.[1];
      expect(line).toContain(`server=https://${host}:`);
      if (!hostNetwork) expect(host).not.toMatch(/^127\./);
      const token = (
        await run("docker", [
          "exec",
          container!.id,
          "cat",
          "/var/run/secrets/kubernetes.io/serviceaccount/token",
        ])
      ).stdout.trim();
      expect(
        (await cluster.api("GET", "/api/v1/namespaces/default/configmaps", undefined, token)).status,
      ).toBe(200);

      expect((await cluster.api("DELETE", `/apis/apps/v1/namespaces/default/daemonsets/${app}`)).status).toBe(
        200,
      );
      await waitFor(
        `${pod} gone from the API`,
        async () => (await cluster.api("GET", `/api/v1/namespaces/default/pods/${pod}`)).status === 404,
        60_000,
      );
      expect(
        (await cluster.api("GET", "/api/v1/namespaces/default/configmaps", undefined, token)).status,
      ).toBe(401);
    },
    180_000,
  );

  it("a projected serviceAccountToken source: its audience and life, bound like the default token, refused by the API unless meant for it", async () => {
    const app = "vault-client";
    const cm = { metadata: { name: "vault-config" }, data: { addr: "https://vault.local:8200" } };
    expect((await cluster.api("POST", "/api/v1/namespaces/default/configmaps", cm)).status).toBe(201);
    const ds = webDaemonSet(
      app,
      { volumeMounts: [{ name: "vault", mountPath: "/var/run/secrets/vault", readOnly: true }] },
      {
        serviceAccountName: "reader",
        volumes: [
          {
            name: "vault",
            projected: {
              defaultMode: 0o440,
              sources: [
                { serviceAccountToken: { audience: "vault", expirationSeconds: 600, path: "vault-token" } },
                { serviceAccountToken: { path: "api-token" } },
                { configMap: { name: "vault-config" } },
              ],
            },
          },
        ],
      },
    );
    const created = await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", ds);
    expect(created.status, created.text).toBe(201);
    const container = await waitFor(
      `${app}'s container`,
      async () => (await cluster.containers()).find((c) => c.name.includes(app) && c.state === "running"),
      90_000,
    );
    const sh = async (script: string) =>
      (await run("docker", ["exec", container.id, "sh", "-c", script])).stdout.trim();
    expect(await sh("cd /var/run/secrets/vault && stat -L -c '%n %a' vault-token api-token addr")).toBe(
      "vault-token 440\napi-token 440\naddr 440",
    );
    const vault = await sh("cat /var/run/secrets/vault/vault-token");
    const own = await sh("cat /var/run/secrets/vault/api-token");
    const dflt = await sh("cat /var/run/secrets/kubernetes.io/serviceaccount/token");
    const [v, o, d] = [claimsOf(vault), claimsOf(own), claimsOf(dflt)];
    expect(v.aud).toEqual(["vault"]);
    expect(v.exp - v.iat).toBe(600);
    expect(o.aud).toEqual(d.aud);
    expect(o.exp - o.iat).toBe(3600);
    const pod = (await cluster.pods("default")).find((p) => p.metadata.labels?.app === app);
    for (const c of [v, o]) {
      expect(c.sub).toBe("system:serviceaccount:default:reader");
      expect(c["kubernetes.io"].pod).toEqual(d["kubernetes.io"].pod);
      expect(c["kubernetes.io"].node).toEqual(d["kubernetes.io"].node);
    }
    expect(v["kubernetes.io"].pod.name).toBe(pod?.metadata.name);
    expect(v["kubernetes.io"].node.name).toBe(pod?.spec.nodeName);

    const list = async (token: string) =>
      (await cluster.api("GET", "/api/v1/namespaces/default/configmaps", undefined, token)).status;
    expect(await list(vault)).toBe(401);
    expect(await list(dflt)).toBe(200);
    expect(await list(own)).toBe(200);

    // Bound to the pod: it dies with it.
    expect((await cluster.api("DELETE", `/apis/apps/v1/namespaces/default/daemonsets/${app}`)).status).toBe(
      200,
    );
    await waitFor(
      `${app}'s pod gone from the API`,
      async () =>
        (await cluster.api("GET", `/api/v1/namespaces/default/pods/${pod?.metadata.name}`)).status === 404,
      60_000,
    );
    expect(await list(own)).toBe(401);
  }, 180_000);
});
