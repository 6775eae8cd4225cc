// Who gets in, and what every client reads first: version, health, discovery, OpenAPI.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, nodeObject, seedPod, startApi, TOKENS, type ApiHarness } from "./harness.js";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  for (const n of ["node-a", "node-b"]) {
    expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject(n) })).status).toBe(201);
  }
  seedPod(h.store, "web-a", "node-a");
  seedPod(h.store, "web-b", "node-b");
});
afterAll(async () => {
  await h.close();
});

describe("authentication", () => {
  it.each([
    ["no token", null],
    ["a wrong token", "not-a-token"],
  ])("answers 401 with a Status for %s", async (_name, token) => {
    for (const path of ["/api/v1/nodes", "/apis", "/api/v1/namespaces/default/pods/x", "/no/such/path"]) {
      const r = await call(h, "GET", path, { token });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "Unauthorized",
        message: "Unauthorized",
        code: 401,
      });
    }
  });

  it("serves /version and the health checks without a token", async () => {
    const v = await call(h, "GET", "/version?timeout=5s", { token: null });
    expect(v.status).toBe(200);
    expect(v.json.gitVersion).toMatch(/^v1\.32\./);
    for (const path of ["/healthz", "/livez", "/readyz"]) {
      const r = await call(h, "GET", path, { token: null });
      expect([r.status, r.text]).toEqual([200, "ok"]);
    }
  });

  it("answers an unknown path with a 404 Status", async () => {
    for (const path of [
      "/nope",
      "/api/v1/services",
      "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a",
    ]) {
      const r = await call(h, "GET", path);
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
      expect(r.headers.get("content-type")).toBe("application/json");
    }
  });

  it("refuses a join token everywhere", async () => {
    for (const path of ["/api/v1/nodes", "/api", "/apis/apps/v1/daemonsets"]) {
      const r = await call(h, "GET", path, { token: TOKENS.join });
      expect(r.status).toBe(403);
      expect(r.json.reason).toBe("Forbidden");
    }
  });
});

describe("node credentials", () => {
  const nodeA = { token: TOKENS.nodeA };

  it("may read and patch its own node and status, not another's", async () => {
    expect((await call(h, "GET", "/api/v1/nodes", nodeA)).status).toBe(200);
    expect((await call(h, "GET", "/api/v1/nodes/node-a", nodeA)).status).toBe(200);
    const other = await call(h, "GET", "/api/v1/nodes/node-b", nodeA);
    expect(other.status).toBe(403);
    expect(other.json.message).toBe(
      'nodes "node-b" is forbidden: User "system:node:node-a" cannot get resource "nodes" in API group "" at the cluster scope',
    );
    const patch = { status: { conditions: [{ type: "Ready", status: "False", reason: "KubeletNotReady" }] } };
    const own = await call(h, "PATCH", "/api/v1/nodes/node-a/status", {
      ...nodeA,
      body: patch,
      contentType: "application/merge-patch+json",
    });
    expect(own.status, own.text).toBe(200);
    expect(own.json.status.conditions[0].status).toBe("False");
    const theirs = await call(h, "PATCH", "/api/v1/nodes/node-b/status", {
      ...nodeA,
      body: patch,
      contentType: "application/merge-patch+json",
    });
    expect(theirs.status).toBe(403);
  });

  it("sees only the pods bound to it", async () => {
    const mine = await call(h, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a", nodeA);
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(["web-a"]);
    expect((await call(h, "GET", "/api/v1/pods", nodeA)).status).toBe(403);
    expect((await call(h, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-b", nodeA)).status).toBe(
      403,
    );
    expect((await call(h, "GET", "/api/v1/namespaces/default/pods/web-a", nodeA)).status).toBe(200);
    expect((await call(h, "GET", "/api/v1/namespaces/default/pods/web-b", nodeA)).status).toBe(403);
  });

  it("reports status only for its own pods", async () => {
    const body = { status: { phase: "Running", podIP: "10.1.1.1" } };
    const own = await call(h, "PATCH", "/api/v1/namespaces/default/pods/web-a/status", {
      ...nodeA,
      body,
      contentType: "application/merge-patch+json",
    });
    expect(own.status, own.text).toBe(200);
    expect(h.store.get("pods", "default", "web-a")?.status).toMatchObject({ podIP: "10.1.1.1" });
    const other = await call(h, "PATCH", "/api/v1/namespaces/default/pods/web-b/status", {
      ...nodeA,
      body,
      contentType: "application/merge-patch+json",
    });
    expect(other.status).toBe(403);
    expect(h.store.get("pods", "default", "web-b")?.status).not.toMatchObject({ podIP: "10.1.1.1" });
  });

  it("may record events but not touch DaemonSets", async () => {
    const event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "node-a.1", namespace: "default" },
      involvedObject: { kind: "Node", name: "node-a" },
      reason: "Starting",
      message: "agent started",
      type: "Normal",
    };
    expect(
      (await call(h, "POST", "/api/v1/namespaces/default/events", { ...nodeA, body: event })).status,
    ).toBe(201);
    expect((await call(h, "GET", "/apis/apps/v1/daemonsets", nodeA)).status).toBe(403);
    expect((await call(h, "DELETE", "/api/v1/nodes/node-b", nodeA)).status).toBe(403);
  });
});

describe("discovery and OpenAPI", () => {
  const aggregated =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

  it("answers aggregated discovery with its exact content type", async () => {
    const api = await call(h, "GET", "/api?timeout=32s", { accept: aggregated });
    expect(api.status).toBe(200);
    expect(api.headers.get("content-type")).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    );
    expect(api.json.kind).toBe("APIGroupDiscoveryList");
    const apis = await call(h, "GET", "/apis", {
      accept: "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
    });
    expect(apis.headers.get("content-type")).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    );
  });

  it("answers legacy discovery to plain JSON clients", async () => {
    const api = await call(h, "GET", "/api", { accept: "application/json, */*" });
    expect(api.json).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    expect((await call(h, "GET", "/apis")).json.kind).toBe("APIGroupList");
    const v1 = await call(h, "GET", "/api/v1");
    expect(v1.json.resources.map((r: { name: string }) => r.name)).toContain("nodes");
    const apps = await call(h, "GET", "/apis/apps/v1");
    expect(apps.json.resources.find((r: { name: string }) => r.name === "daemonsets")).toMatchObject({
      shortNames: ["ds"],
    });
  });

  it("serves the OpenAPI v3 documents kubectl apply needs, and the v2 one old clients need", async () => {
    const index = await call(h, "GET", "/openapi/v3");
    expect(index.json.paths["apis/apps/v1"].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1/);
    const apps = await call(h, "GET", index.json.paths["apis/apps/v1"].serverRelativeURL);
    expect(apps.status).toBe(200);
    expect(JSON.stringify(apps.json)).toContain("fieldValidation");
    expect((await call(h, "GET", "/openapi/v3/api/v1")).status).toBe(200);
    const v2 = await call(h, "GET", "/openapi/v2", {
      accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    });
    // Old kubectl (1.20, 1.27, 1.28) validates apply against the protobuf v2 document.
    expect(v2.status).toBe(200);
    expect(v2.headers.get("content-type")).toContain("protobuf");
  });
});
