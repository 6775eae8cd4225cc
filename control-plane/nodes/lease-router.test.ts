import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import type { Node } from "../../shared/api-types.js";
import type { Authenticator, Principal } from "../auth/principal.js";
import { openStore } from "../store/index.js";
import { fakeClock } from "../store/test-support.js";
import { createLeaseRouter, nodeLease } from "./lease-router.js";

const PRINCIPALS: Record<string, Principal> = {
  admin: { kind: "admin", name: "admin" },
  "node-a": { kind: "node", nodeName: "a", credentialId: "c1" },
  "node-b": { kind: "node", nodeName: "b", credentialId: "c2" },
};
const authenticator: Authenticator = { authenticate: (t) => (t ? PRINCIPALS[t] : undefined) };

function node(name: string): Node {
  return { apiVersion: "v1", kind: "Node", metadata: { name }, spec: {} };
}

let server: http.Server | undefined;
afterEach(() => server?.close());

async function start(heard: Record<string, number>): Promise<string> {
  const clock = fakeClock();
  const store = openStore({ path: ":memory:", clock });
  store.create("nodes", node("a"));
  store.create("nodes", node("b"));
  const app = express();
  app.use(
    createLeaseRouter({
      store,
      authenticator,
      leases: { lastHeartbeat: (n) => heard[n] },
      leaseDurationSeconds: () => 40,
    }),
  );
  server = http.createServer(app);
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = async (base: string, name: string, token?: string) => {
  const res = await fetch(`${base}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe("node leases", () => {
  it("makes a node's Lease from its last heartbeat", () => {
    const lease = nodeLease(node("a"), Date.UTC(2026, 11, 1, 12, 0, 5, 250), 40);
    expect(lease).toMatchObject({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "a", namespace: "kube-node-lease" },
      spec: { holderIdentity: "a", leaseDurationSeconds: 40, renewTime: "2026-12-01T12:00:05.250000Z" },
    });
    expect(nodeLease(node("a"), undefined, 40)).toBeUndefined();
  });

  it("serves it to the admin and to the node itself, and to nobody else", async () => {
    const base = await start({ a: Date.UTC(2026, 11, 1, 12, 0, 0) });
    expect((await get(base, "a", "admin")).body.spec.holderIdentity).toBe("a");
    expect((await get(base, "a", "node-a")).status).toBe(200);
    const other = await get(base, "a", "node-b");
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ kind: "Status", reason: "Forbidden" });
    expect((await get(base, "a")).status).toBe(401);
  });

  it("answers 404 for a node that is gone or whose agent was never heard from", async () => {
    const base = await start({});
    const silent = await get(base, "a", "admin");
    expect(silent.status).toBe(404);
    expect(silent.body.message).toBe('leases.coordination.k8s.io "a" not found');
    expect((await get(base, "nope", "admin")).status).toBe(404);
  });
});
