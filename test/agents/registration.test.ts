import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Node, Status } from "../../shared/api-types.js";
import { caHashOf, splitBearer } from "../../shared/join-token.js";
import { AGENT_REGISTER_PATH, CA_CERT_PATH } from "../../shared/protocol.js";
import type { RegisterResponse } from "../../shared/protocol.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";

/** A node secret as the agent makes one. */
const newSecret = (): string => randomBytes(32).toString("base64url");

describe("agent registration over HTTPS", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("serves the CA certificate without authentication, matching the join token's pin", async () => {
    const res = await h.request("GET", CA_CERT_PATH);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(caHashOf(res.text)).toBe(h.pki.caHash);
  });

  it("falls through to the app for other paths", async () => {
    expect((await h.request("GET", "/agent/v1/other")).status).toBe(404);
  });

  it("creates the node with the agent's labels and taints and hands out a node credential", async () => {
    const join = h.tokens.createJoinToken({});
    const res = await h.request("POST", AGENT_REGISTER_PATH, {
      token: join.bearer,
      body: {
        nodeName: "reg-1",
        labels: { zone: "a" },
        taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }],
        nodeSecret: newSecret(),
      },
    });
    expect(res.status).toBe(200);
    const body = res.json() as RegisterResponse;
    expect(body.nodeName).toBe("reg-1");
    expect(h.tokens.authenticate(body.token)).toEqual({
      kind: "node",
      nodeName: "reg-1",
      credentialId: splitBearer(body.token)?.id,
    });
    const node = h.store.get<Node>("nodes", undefined, "reg-1");
    expect(node?.metadata.labels).toEqual({ zone: "a" });
    // Not connected yet: Ready is Unknown, and the node carries the taints that go with it.
    const timeAdded = expect.any(String) as unknown as string;
    expect(node?.spec.taints).toEqual([
      { key: "gpu", value: "yes", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded },
    ]);
    expect(node?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("Unknown");
  });

  const registerAs = (nodeName: string, nodeSecret: string, labels: Record<string, string> = {}) =>
    h.request("POST", AGENT_REGISTER_PATH, {
      token: h.tokens.createJoinToken({}).bearer,
      body: { nodeName, labels, taints: [], nodeSecret },
    });

  it("on re-registration merges labels, keeps the node's taints and replaces the credential", async () => {
    const secret = newSecret();
    const firstRes = await registerAs("reg-2", secret, { zone: "a", rack: "1" });
    expect(firstRes.status).toBe(200);
    const first = (firstRes.json() as RegisterResponse).token;
    const node = structuredClone(h.store.get<Node>("nodes", undefined, "reg-2")!);
    node.spec.taints = [{ key: "maintenance", effect: "NoSchedule" }];
    h.store.update("nodes", node);
    const second = await registerAs("reg-2", secret, { zone: "b" });
    expect(second.status).toBe(200);
    const after = h.store.get<Node>("nodes", undefined, "reg-2");
    expect(after?.metadata.labels).toEqual({ zone: "b", rack: "1" });
    expect(after?.spec.taints).toEqual([{ key: "maintenance", effect: "NoSchedule" }]);
    expect(h.tokens.authenticate(first)).toBeUndefined();
    expect(h.tokens.authenticate((second.json() as RegisterResponse).token)?.kind).toBe("node");
  });

  it.each([
    ["no token", () => undefined],
    ["a malformed token", () => "nope"],
    ["an unknown token", () => "abcdef.0123456789abcdef"],
    ["an admin token", (h: Harness) => h.tokens.ensureAdminToken()],
    ["a node credential", (h: Harness) => h.tokens.issueNodeCredential("someone")],
    [
      "a deleted join token",
      (h: Harness) => {
        const t = h.tokens.createJoinToken({});
        h.tokens.deleteToken(t.id);
        return t.bearer;
      },
    ],
    [
      "an expired join token",
      (h: Harness) => {
        const t = h.tokens.createJoinToken({ ttlMs: 1000 });
        h.clock.advance(1000);
        return t.bearer;
      },
    ],
  ])("refuses %s with 401 and creates nothing", async (_what, tokenOf) => {
    const before = h.store.revision();
    const res = await h.request("POST", AGENT_REGISTER_PATH, {
      token: tokenOf(h),
      body: { nodeName: "intruder", labels: {}, taints: [], nodeSecret: newSecret() },
    });
    expect(res.status).toBe(401);
    expect((res.json() as Status).reason).toBe("Unauthorized");
    expect(h.store.get("nodes", undefined, "intruder")).toBeUndefined();
    expect(h.store.revision()).toBe(before);
  });

  it("answers an invalid node name with 422 naming the field", async () => {
    const res = await h.request("POST", AGENT_REGISTER_PATH, {
      token: h.tokens.createJoinToken({}).bearer,
      body: { nodeName: "Not_A_Name", labels: {}, taints: [], nodeSecret: newSecret() },
    });
    expect(res.status).toBe(422);
    const status = res.json() as Status;
    expect(status.reason).toBe("Invalid");
    expect(status.details?.causes?.map((c) => c.field)).toEqual(["nodeName"]);
    expect(h.store.list("nodes").map((n) => n.metadata.name)).not.toContain("Not_A_Name");
  });

  it("answers a body that is not JSON with 400", async () => {
    const res = await h.request("POST", AGENT_REGISTER_PATH, {
      token: h.tokens.createJoinToken({}).bearer,
      raw: "{nope",
    });
    expect(res.status).toBe(400);
    expect((res.json() as Status).kind).toBe("Status");
  });

  describe("the node secret", () => {
    it("keeps only the secret's hash", async () => {
      const secret = newSecret();
      expect((await registerAs("sec-hash", secret)).status).toBe(200);
      expect(h.tokens.checkNodeSecret("sec-hash", secret)).toBe("matches");
      expect(JSON.stringify(h.store.listCredentials())).not.toContain(secret);
    });

    it("refuses another secret for an existing node (403) and changes nothing", async () => {
      const secret = newSecret();
      const real = (await registerAs("sec-owned", secret, { zone: "a" })).json() as RegisterResponse;
      const before = h.store.revision();
      const nodeBefore = h.store.get<Node>("nodes", undefined, "sec-owned");
      const res = await registerAs("sec-owned", newSecret(), {
        zone: "evil",
        "node-role.kubernetes.io/control-plane": "",
      });
      expect(res.status).toBe(403);
      const status = res.json() as Status;
      expect(status.reason).toBe("Forbidden");
      expect(status.message).toMatch(
        /node "sec-owned" is already registered by a machine with another node secret/,
      );
      expect(status.message).toMatch(/everynode delete node sec-owned \(or kubectl delete node sec-owned\)/);
      expect(h.store.revision()).toBe(before);
      expect(h.store.get<Node>("nodes", undefined, "sec-owned")).toEqual(nodeBefore);
      expect(h.tokens.authenticate(real.token)?.kind).toBe("node");
      expect(h.tokens.checkNodeSecret("sec-owned", secret)).toBe("matches");
    });

    it("lets the node register again once it is deleted, with a new secret", async () => {
      const old = (await registerAs("sec-reinstalled", newSecret())).json() as RegisterResponse;
      const reinstalled = newSecret();
      expect((await registerAs("sec-reinstalled", reinstalled)).status).toBe(403);
      // What `everynode delete node` does: the store delete, then the sessions revoke the node.
      h.store.delete("nodes", undefined, "sec-reinstalled");
      await waitUntil(() => h.tokens.authenticate(old.token) === undefined);
      expect(h.tokens.checkNodeSecret("sec-reinstalled", reinstalled)).toBe("unset");
      const res = await registerAs("sec-reinstalled", reinstalled);
      expect(res.status).toBe(200);
      expect(h.tokens.checkNodeSecret("sec-reinstalled", reinstalled)).toBe("matches");
    });

    it("a node of before node secrets is claimed by the first secret that comes, then held", async () => {
      h.store.create("nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "sec-legacy" }, spec: {} });
      const first = newSecret();
      expect((await registerAs("sec-legacy", first)).status).toBe(200);
      expect((await registerAs("sec-legacy", newSecret())).status).toBe(403);
      expect((await registerAs("sec-legacy", first)).status).toBe(200);
    });

    it("answers a registration without a secret with 422 naming nodeSecret", async () => {
      const res = await h.request("POST", AGENT_REGISTER_PATH, {
        token: h.tokens.createJoinToken({}).bearer,
        body: { nodeName: "sec-old-agent", labels: {}, taints: [] },
      });
      expect(res.status).toBe(422);
      const status = res.json() as Status;
      expect(status.details?.causes?.map((c) => c.field)).toEqual(["nodeSecret"]);
      expect(status.message).toMatch(/upgrade it/);
      expect(h.store.get("nodes", undefined, "sec-old-agent")).toBeUndefined();
    });

    it("a re-registering node may repeat its role labels but not add any (403)", async () => {
      const secret = newSecret();
      // An ordinary join token may not bring a role label to a new node...
      expect(
        (await registerAs("sec-roles", secret, { "node-role.kubernetes.io/control-plane": "" })).status,
      ).toBe(403);
      // ...an admin labels it once it has joined; the agent may then repeat the label as it is.
      expect((await registerAs("sec-roles", secret, {})).status).toBe(200);
      h.store.transaction((tx) => {
        const n = structuredClone(tx.get<Node>("nodes", undefined, "sec-roles")) as Node;
        n.metadata.labels = { ...n.metadata.labels, "node-role.kubernetes.io/control-plane": "" };
        tx.update("nodes", n);
      });
      expect(
        (await registerAs("sec-roles", secret, { "node-role.kubernetes.io/control-plane": "" })).status,
      ).toBe(200);
      const before = h.store.get<Node>("nodes", undefined, "sec-roles");
      const res = await registerAs("sec-roles", secret, { "node-role.kubernetes.io/worker": "", zone: "a" });
      expect(res.status).toBe(403);
      expect((res.json() as Status).message).toMatch(
        /may not set the labels node-role\.kubernetes\.io\/worker/,
      );
      expect(h.store.get<Node>("nodes", undefined, "sec-roles")).toEqual(before);
    });
  });
});

/** Waits (real time) for the store listeners that run after a commit. */
async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}
