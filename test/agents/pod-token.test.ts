// The pod-token endpoint over real HTTPS: a node credential gets the token of a pod bound to
// its node (bound to the pod, its ServiceAccount and its node, 3607 s, accepted as the
// ServiceAccount), nothing for another node's pod, nothing without a node credential, and
// `automount: false` when the pod says so; a projected serviceAccountToken source's token for
// the audience and life its spec names, and no other.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";

const PATH = "/agent/v1/pod-token";

describe("the pod-token endpoint", () => {
  let h: Harness;
  let n1: string;
  let n2: string;
  let shipper: Pod;
  let quiet: Pod;
  let vault: Pod;
  beforeAll(async () => {
    h = await startHarness();
    n1 = await h.register("tok-1");
    n2 = await h.register("tok-2");
    h.store.create("serviceaccounts", { metadata: { namespace: "default", name: "shipper" } });
    const pod = (name: string, extra: Record<string, unknown> = {}): Pod =>
      h.store.create<Pod>("pods", {
        metadata: { namespace: "default", name },
        spec: {
          nodeName: "tok-1",
          serviceAccountName: "shipper",
          containers: [{ name: "c", image: "i" }],
          ...extra,
        },
      } as Pod);
    shipper = pod("shipper-a");
    quiet = pod("quiet-a", { automountServiceAccountToken: false });
    vault = pod("vault-a", {
      automountServiceAccountToken: false,
      volumes: [
        {
          name: "t",
          projected: {
            sources: [{ serviceAccountToken: { path: "t", audience: "vault", expirationSeconds: 600 } }],
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await h.close();
  });
  const ask = (token: string | undefined, p: Pod, extra: Record<string, unknown> = {}) =>
    h.request("POST", PATH, {
      ...(token ? { token } : {}),
      body: { namespace: "default", name: p.metadata.name, uid: p.metadata.uid, ...extra },
    });

  it("gives the node its pod's token, bound to the pod, the ServiceAccount and the node, for 3607 s", async () => {
    const r = await ask(n1, shipper);
    expect(r.status, r.text).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.automount).toBe(true);
    const claims = h.serviceAccountTokens.verify(body.token);
    expect(claims?.sub).toBe("system:serviceaccount:default:shipper");
    expect(claims?.["kubernetes.io"]?.pod?.uid).toBe(shipper.metadata.uid);
    expect(claims?.["kubernetes.io"]?.node?.name).toBe("tok-1");
    expect((claims?.exp ?? 0) - (claims?.iat ?? 0)).toBe(3607);
    expect(Date.parse(body.expirationTimestamp)).toBe((claims?.exp ?? 0) * 1000);
  });

  it("refuses another node's pod, and a caller without a node credential", async () => {
    const other = await ask(n2, shipper);
    expect(other.status).toBe(403);
    expect(other.text).toContain('node \\"tok-2\\" may have tokens only for pods bound to it');
    expect((await ask(undefined, shipper)).status).toBe(401);
    expect((await ask(h.tokens.createJoinToken({}).bearer, shipper)).status).toBe(401);
  });

  it("says automount false when the pod opts out, and 404 for a pod that is gone", async () => {
    const r = await ask(n1, quiet);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ automount: false });
    expect((await ask(n1, { ...shipper, metadata: { ...shipper.metadata, uid: "other" } })).status).toBe(404);
  });

  it("gives a projected source's token for its audience and life only, which the API does not accept", async () => {
    const r = await ask(n1, vault, { projected: true, audience: "vault", expirationSeconds: 600 });
    expect(r.status, r.text).toBe(200);
    const token = JSON.parse(r.text).token as string;
    const claims = h.serviceAccountTokens.verify(token, "vault");
    expect(claims?.aud).toEqual(["vault"]);
    expect((claims?.exp ?? 0) - (claims?.iat ?? 0)).toBe(600);
    expect(claims?.["kubernetes.io"]?.pod?.uid).toBe(vault.metadata.uid);
    expect(claims?.["kubernetes.io"]?.node?.name).toBe("tok-1");
    expect(h.serviceAccountTokens.authenticate(token)).toBeUndefined();
    const other = await ask(n1, vault, { projected: true, audience: "other", expirationSeconds: 600 });
    expect(other.status).toBe(403);
    expect((await ask(n1, vault, { projected: true, audience: "vault", expirationSeconds: 60 })).status).toBe(
      400,
    );
  });
});
