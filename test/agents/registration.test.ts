import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Node, Status } from "../../shared/api-types.js";
import { caHashOf, splitBearer } from "../../shared/join-token.js";
import { AGENT_REGISTER_PATH, CA_CERT_PATH } from "../../shared/protocol.js";
import type { RegisterResponse } from "../../shared/protocol.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";

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
    expect(node?.spec.taints).toEqual([{ key: "gpu", value: "yes", effect: "NoSchedule" }]);
    expect(node?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("Unknown");
  });

  it("on re-registration merges labels, keeps the node's taints and replaces the credential", async () => {
    const first = await h.register("reg-2", { zone: "a", rack: "1" });
    const node = structuredClone(h.store.get<Node>("nodes", undefined, "reg-2")!);
    node.spec.taints = [{ key: "maintenance", effect: "NoSchedule" }];
    h.store.update("nodes", node);
    const second = await h.request("POST", AGENT_REGISTER_PATH, {
      token: h.tokens.createJoinToken({}).bearer,
      body: { nodeName: "reg-2", labels: { zone: "b" }, taints: [] },
    });
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
      body: { nodeName: "intruder", labels: {}, taints: [] },
    });
    expect(res.status).toBe(401);
    expect((res.json() as Status).reason).toBe("Unauthorized");
    expect(h.store.get("nodes", undefined, "intruder")).toBeUndefined();
    expect(h.store.revision()).toBe(before);
  });

  it("answers an invalid node name with 422 naming the field", async () => {
    const res = await h.request("POST", AGENT_REGISTER_PATH, {
      token: h.tokens.createJoinToken({}).bearer,
      body: { nodeName: "Not_A_Name", labels: {}, taints: [] },
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
});
