// ServiceAccounts and their tokens over the real API: a default account in every namespace,
// `kubectl create serviceaccount|token` (1.27 and 1.33), pod-bound tokens that die with their
// pod, expiry, and legacy service-account-token Secrets.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { bufferIo } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { waitFor } from "../helpers/cluster.js";
import { selfSignedCertificate } from "./self-signed.js";
import {
  call,
  insecureKubeconfig,
  kubectlRunner,
  nodeObject,
  seedPod,
  startApi,
  type ApiHarness,
} from "./harness.js";

let h: ApiHarness;
let dir: string;

beforeAll(async () => {
  h = await startApi({ tls: selfSignedCertificate(), serviceAccounts: true });
  dir = mkdtempSync(path.join(tmpdir(), "everynode-sa-"));
  writeFileSync(path.join(dir, "kubeconfig"), insecureKubeconfig(h.port));
  expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("node-a") })).status).toBe(201);
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The status code a token gets for a read it has no grant for: 403 authenticated, 401 not. */
const statusWith = async (token: string): Promise<number> =>
  (await call(h, "GET", "/api/v1/namespaces/default/configmaps", { token })).status;

describe("the default ServiceAccount", () => {
  it("exists in every namespace, new ones too, and comes back when deleted", async () => {
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"])
      await waitFor(`default account in ${ns}`, () => h.store.get("serviceaccounts", ns, "default"));
    await call(h, "POST", "/api/v1/namespaces", { body: { metadata: { name: "team" } } });
    await waitFor("default account in team", () => h.store.get("serviceaccounts", "team", "default"));
    const before = h.store.get("serviceaccounts", "team", "default")?.metadata.uid;
    expect((await call(h, "DELETE", "/api/v1/namespaces/team/serviceaccounts/default")).status).toBe(200);
    await waitFor("a new default account", () => {
      const uid = h.store.get("serviceaccounts", "team", "default")?.metadata.uid;
      return uid !== undefined && uid !== before;
    });
  });
});

describe.each(["1.27", "1.33"])("kubectl %s", (version) => {
  const ns = `sa-${version.replace(".", "")}`;
  let home = "";
  const kubectl = (...args: string[]): Promise<string> =>
    kubectlRunner(
      `/usr/lib/google-cloud-sdk/bin/kubectl.${version}`,
      path.join(dir, "kubeconfig"),
      () => home,
    )(...args);

  beforeAll(async () => {
    home = mkdtempSync(path.join(dir, "home-"));
    await kubectl("create", "namespace", ns);
  });

  it("creates a ServiceAccount, prints its table and a token that authenticates as it", async () => {
    expect(await kubectl("create", "serviceaccount", "bot", "-n", ns)).toContain(
      "serviceaccount/bot created",
    );
    await waitFor("the default account", () => h.store.get("serviceaccounts", ns, "default"));
    expect(await kubectl("get", "sa", "-n", ns)).toMatch(
      /^NAME\s+SECRETS\s+AGE\nbot\s+0\s+\S+\ndefault\s+0\s+/,
    );
    const token = (await kubectl("create", "token", "bot", "-n", ns, "--duration=20m")).trim();
    expect(token.split(".")).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
    expect(claims.sub).toBe(`system:serviceaccount:${ns}:bot`);
    expect(claims.exp - claims.iat).toBe(1200);
    // Authenticated (a 403 names the account), unlike a made-up token (401).
    const reply = await call(h, "GET", "/api/v1/namespaces/default/configmaps", { token });
    expect(reply.status).toBe(403);
    expect(reply.json.message).toContain(
      `User "system:serviceaccount:${ns}:bot" cannot list resource "configmaps"`,
    );
    expect(await statusWith(token.slice(0, -4) + "AAAA")).toBe(401);
    // Deleting the account revokes its tokens.
    await kubectl("delete", "sa", "bot", "-n", ns);
    expect(await statusWith(token)).toBe(401);
  });

  it("binds a token to a pod: refused once the pod is deleted", async () => {
    await kubectl("create", "serviceaccount", "agent", "-n", ns);
    seedPod(h.store, "p1", "node-a", ns);
    const token = (
      await kubectl("create", "token", "agent", "-n", ns, "--bound-object-kind=Pod", "--bound-object-name=p1")
    ).trim();
    expect(await statusWith(token)).toBe(403);
    await expect(
      kubectl("create", "token", "agent", "-n", ns, "--bound-object-kind=Pod", "--bound-object-name=nope"),
    ).rejects.toThrow(/pods "nope" not found/);
    h.store.delete("pods", ns, "p1");
    expect(await statusWith(token)).toBe(401);
  });
});

describe("everynode create serviceaccount|token", () => {
  it("makes an account and a token as kubectl does", async () => {
    const cli = async (...args: string[]) => {
      const io = bufferIo();
      const code = await main([...args, "-n", "default", `--kubeconfig=${path.join(dir, "kubeconfig")}`], io);
      return { code, out: io.stdout, err: io.stderr };
    };
    expect(await cli("create", "serviceaccount", "cli-bot")).toMatchObject({
      code: 0,
      out: "serviceaccount/cli-bot created\n",
    });
    const { code, out } = await cli("create", "token", "cli-bot", "--duration=15m");
    expect(code).toBe(0);
    const claims = JSON.parse(Buffer.from(out.trim().split(".")[1] ?? "", "base64url").toString());
    expect([claims.sub, claims.exp - claims.iat]).toEqual(["system:serviceaccount:default:cli-bot", 900]);
    expect(await statusWith(out.trim())).toBe(403);
    const short = await cli("create", "token", "cli-bot", "--duration=1m");
    expect(short.code).not.toBe(0);
    expect(short.err).toMatch(
      /spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/,
    );
  });
});

describe("pod tokens (what the agent-delivery step mounts)", () => {
  it("are bound to the pod, its account and its node, an hour long, and refused once the pod is gone", async () => {
    await waitFor("default account", () => h.store.get("serviceaccounts", "default", "default"));
    const pod = seedPod(h.store, "web-1", "node-a");
    const issued = h.serviceAccountTokens.issuePodToken(pod);
    expect(issued?.expirationSeconds).toBe(3607);
    const claims = JSON.parse(Buffer.from(issued?.token.split(".")[1] ?? "", "base64url").toString());
    expect(claims["kubernetes.io"]).toMatchObject({
      namespace: "default",
      serviceaccount: { name: "default" },
      pod: { name: "web-1", uid: pod.metadata.uid },
      node: { name: "node-a" },
    });
    expect(h.serviceAccountTokens.authenticate(issued?.token)).toMatchObject({
      kind: "serviceaccount",
      namespace: "default",
      name: "default",
      pod: { name: "web-1" },
      node: "node-a",
    });
    // A pod of the same name made again is another pod: the old token stays refused.
    h.store.delete("pods", "default", "web-1");
    seedPod(h.store, "web-1", "node-a");
    expect(await statusWith(issued?.token ?? "")).toBe(401);
    // None for a pod whose account does not exist.
    const orphan = h.store.create<Pod>("pods", {
      metadata: { name: "p2", namespace: "default" },
      spec: { nodeName: "node-a", serviceAccountName: "missing", containers: [] } as Pod["spec"],
    });
    expect(h.serviceAccountTokens.issuePodToken(orphan)).toBeUndefined();
  });

  it("expire", async () => {
    const pod = seedPod(h.store, "web-2", "node-a");
    const token = h.serviceAccountTokens.issuePodToken(pod)?.token ?? "";
    expect(await statusWith(token)).toBe(403);
    await h.clock.advance(3608_000);
    expect(await statusWith(token)).toBe(401);
  });
});

describe("legacy service-account-token Secrets", () => {
  it("get a token, the CA and the namespace; the token dies with the Secret", async () => {
    const created = await call(h, "POST", "/api/v1/namespaces/default/secrets", {
      body: {
        metadata: { name: "legacy", annotations: { "kubernetes.io/service-account.name": "default" } },
        type: "kubernetes.io/service-account-token",
      },
    });
    expect(created.status).toBe(201);
    const filled = await waitFor("the token", () => h.store.get("secrets", "default", "legacy")?.["data"]);
    const data = filled as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(["ca.crt", "namespace", "token"]);
    const token = Buffer.from(data["token"] ?? "", "base64").toString();
    expect(await statusWith(token)).toBe(403);
    await call(h, "DELETE", "/api/v1/namespaces/default/secrets/legacy");
    expect(await statusWith(token)).toBe(401);
  });
});
