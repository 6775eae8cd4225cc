// What a node's own credential may read and change, attacked over real HTTPS against a real
// server: a field selector that hides its node name behind an escaped comma no longer lists
// or watches every node's pods, and NodeRestriction keeps the admin's taints, cordon and
// role labels out of the node's reach.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeCredential } from "../../agent/session/credential-store.js";
import { connectUnverified, hostOf } from "../../agent/session/https-client.js";
import { checkPinnedChain } from "../../agent/session/pinned-chain.js";
import { caHashOf, parseJoinToken } from "../../shared/join-token.js";
import { waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";
import { startNodeSecurityServer, type NodeSecurityServer } from "./node-security-server.js";

const MERGE = "application/merge-patch+json";
const JSON_PATCH = "application/json-patch+json";
const APPLY = "application/apply-patch+yaml";

/**
 * Starts DaemonSet `name` and returns its pods by node. No agent runs them; they tolerate
 * every taint, so the nodes' `unreachable` taints do not keep them off.
 */
async function daemonSet(s: NodeSecurityServer, name: string): Promise<Record<string, string>> {
  const r = await s.client.api(
    "POST",
    "/apis/apps/v1/namespaces/default/daemonsets",
    webDaemonSet(name, {}, { tolerations: [{ operator: "Exists" }] }),
  );
  expect(r.status, r.text).toBe(201);
  return waitFor(`${name}'s pods on both nodes`, async () => {
    const pods = (await s.client.pods("default")).filter((p) => p.metadata.labels?.app === name);
    if (pods.length !== 2) return undefined;
    return Object.fromEntries(pods.map((p) => [p.spec.nodeName as string, p.metadata.name as string]));
  });
}

describe("a node credential", () => {
  let s: NodeSecurityServer;
  let a: NodeCredential;
  let b: NodeCredential;
  /** The web DaemonSet's pod of each node. */
  let web: Record<string, string> = {};

  beforeAll(async () => {
    s = await startNodeSecurityServer();
    a = await s.join("fuzz-a", s.agentDir("fuzz-a"));
    b = await s.join("fuzz-b", s.agentDir("fuzz-b"));
    web = await daemonSet(s, "web");
  });
  afterAll(async () => {
    await s?.stop();
  });

  const names = (items: { metadata: { name: string } }[]): string[] =>
    items.map((i) => i.metadata.name).sort();

  it("was issued on one connection: the server's handshake carries the CA its join token pins", async () => {
    const url = new URL(s.client.server);
    const socket = await connectUnverified(url);
    const pin = parseJoinToken(s.joinToken).caHash;
    try {
      const check = checkPinnedChain(socket.getPeerCertificate(true), pin, hostOf(url), Date.now());
      expect(check.ok).toBe(true);
    } finally {
      socket.destroy();
    }
    expect(caHashOf(a.caPem)).toBe(pin);
  });

  describe("lists and watches only its own pods", () => {
    // One term to the parser: metadata.name != "x,spec.nodeName=fuzz-a", true of every pod.
    const ESCAPED = "fieldSelector=metadata.name!%3Dx%5C%2Cspec.nodeName%3Dfuzz-a";

    it("the escaped selector selects every pod: the admin gets both", async () => {
      const all = await s.client.api("GET", `/api/v1/pods?${ESCAPED}`);
      expect(all.status).toBe(200);
      expect(names(all.body.items)).toEqual([web["fuzz-a"], web["fuzz-b"]].sort());
    });

    it("refuses the escaped selector to the node (403), for a list", async () => {
      const r = await s.client.api("GET", `/api/v1/pods?${ESCAPED}`, undefined, a.token);
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ kind: "Status", reason: "Forbidden", code: 403 });
      expect(r.body.message).toBe(
        'pods is forbidden: User "system:node:fuzz-a" cannot list resource "pods" in API group "" at the cluster scope',
      );
      expect(r.text).not.toContain(web["fuzz-b"]);
    });

    it("refuses the escaped selector to the node (403), for a watch", async () => {
      for (const watch of ["watch=1", "watch=true"]) {
        const w = await s.watch(`/api/v1/pods?${ESCAPED}&${watch}`, a.token);
        expect(w.status).toBe(403);
        expect(w.body).toMatchObject({ kind: "Status", reason: "Forbidden" });
        expect(w.body.message).toMatch(/User "system:node:fuzz-a" cannot watch resource "pods"/);
      }
      const namespaced = await s.watch(`/api/v1/namespaces/default/pods?${ESCAPED}&watch=1`, a.token);
      expect(namespaced.status).toBe(403);
    });

    it("refuses a selector that does not parse (403 to a node, 400 to the admin)", async () => {
      const bad = "fieldSelector=spec.nodeName%3Dfuzz-a,bogus%3D1";
      expect((await s.client.api("GET", `/api/v1/pods?${bad}`, undefined, a.token)).status).toBe(403);
      const admin = await s.client.api("GET", `/api/v1/pods?${bad}`);
      expect(admin.status).toBe(400);
      expect(admin.body.message).toBe("field label not supported: bogus");
    });

    it("lists its own pods with spec.nodeName=<its name>, in any term order", async () => {
      for (const selector of [
        "spec.nodeName%3Dfuzz-a",
        "spec.nodeName%3D%3Dfuzz-a",
        "status.phase!%3DFailed,spec.nodeName%3Dfuzz-a",
        "metadata.name!%3Dx%5C%2Cy,spec.nodeName%3Dfuzz-a",
      ]) {
        const r = await s.client.api("GET", `/api/v1/pods?fieldSelector=${selector}`, undefined, a.token);
        expect(r.status, selector).toBe(200);
        expect(names(r.body.items), selector).toEqual([web["fuzz-a"]]);
      }
      const other = await s.client.api(
        "GET",
        "/api/v1/pods?fieldSelector=spec.nodeName%3Dfuzz-a",
        undefined,
        b.token,
      );
      expect(other.status).toBe(403);
    });

    it("watches only its own pods, now and as they come", async () => {
      const w = await s.watch("/api/v1/pods?fieldSelector=spec.nodeName%3Dfuzz-a&watch=1", a.token);
      expect(w.status).toBe(200);
      await w.until((e) => e.object.metadata.name === web["fuzz-a"]);
      // New pods for both nodes; once a later DaemonSet's pod for fuzz-a arrives, every event
      // of the earlier ones has been sent (a watch hears transactions in order).
      const later = await daemonSet(s, "later");
      await w.until((e) => e.type === "ADDED" && e.object.metadata.name === later["fuzz-a"]);
      const last = await daemonSet(s, "last");
      await w.until((e) => e.type === "ADDED" && e.object.metadata.name === last["fuzz-a"]);
      expect(w.events.map((e) => e.object.spec.nodeName)).toEqual(w.events.map(() => "fuzz-a"));
      expect(w.events.map((e) => e.object.metadata.name)).toContain(later["fuzz-a"]);
      expect(JSON.stringify(w.events)).not.toContain(later["fuzz-b"]);
      w.close();
    });
  });

  describe("NodeRestriction: changes only its own status and kubelet labels", () => {
    const node = async (): Promise<any> => (await s.client.api("GET", "/api/v1/nodes/fuzz-a")).body;

    beforeAll(async () => {
      // The admin taints, cordons and gives a role, as `kubectl taint/cordon/label` would.
      const r = await s.client.api(
        "PATCH",
        "/api/v1/nodes/fuzz-a",
        {
          metadata: { labels: { "node-role.kubernetes.io/db": "" } },
          spec: { unschedulable: true, taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] },
        },
        undefined,
        MERGE,
      );
      expect(r.status, r.text).toBe(200);
      // The node lifecycle answers the cordon with its own taint; wait so that the node holds still.
      await waitFor("the unschedulable taint", async () =>
        ((await node()).spec.taints ?? []).some((t: any) => t.key === "node.kubernetes.io/unschedulable"),
      );
    });

    function expectRefused(r: { status: number; body: any }, ...named: string[]): void {
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body).toMatchObject({ kind: "Status", reason: "Forbidden", code: 403 });
      expect(r.body.message).toMatch(/^nodes "fuzz-a" is forbidden: node "fuzz-a" is not allowed to modify /);
      for (const n of named) expect(r.body.message).toContain(n);
    }

    it("may not remove the admin's taint, in any patch type or by PUT, and the taint stays", async () => {
      const before = await node();
      const as = (method: string, body: unknown, type?: string) =>
        s.client.api(method, "/api/v1/nodes/fuzz-a", body, a.token, type);
      expectRefused(await as("PATCH", { spec: { taints: null } }, MERGE), "spec.taints");
      expectRefused(await as("PATCH", [{ op: "remove", path: "/spec/taints" }], JSON_PATCH), "spec.taints");
      expectRefused(
        await as("PATCH", { spec: { taints: [] } }, "application/strategic-merge-patch+json"),
        "spec.taints",
      );
      expectRefused(
        await as(
          "PATCH",
          "apiVersion: v1\nkind: Node\nmetadata:\n  name: fuzz-a\nspec:\n  taints: []\n",
          APPLY,
        ),
        "spec.taints",
      );
      const put = structuredClone(before);
      delete put.spec.taints;
      expectRefused(await as("PUT", put), "spec.taints");
      const after = await node();
      expect(after.spec).toEqual(before.spec);
      expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    });

    it("may not uncordon itself", async () => {
      const r = await s.client.api(
        "PATCH",
        "/api/v1/nodes/fuzz-a",
        { spec: { unschedulable: null } },
        a.token,
        MERGE,
      );
      expectRefused(r, "spec.unschedulable");
      expect((await node()).spec.unschedulable).toBe(true);
    });

    it.each([
      [
        "give itself a role",
        { "node-role.kubernetes.io/control-plane": "" },
        "node-role.kubernetes.io/control-plane",
      ],
      ["drop the role the admin gave", { "node-role.kubernetes.io/db": null }, "node-role.kubernetes.io/db"],
      [
        "forge a node-restriction label",
        { "node-restriction.kubernetes.io/pci": "yes" },
        "node-restriction.kubernetes.io/pci",
      ],
      ["set another kubernetes.io label", { "kubernetes.io/role": "master" }, "kubernetes.io/role"],
    ])("may not %s", async (_what, labels, named) => {
      const before = await node();
      const r = await s.client.api("PATCH", "/api/v1/nodes/fuzz-a", { metadata: { labels } }, a.token, MERGE);
      expectRefused(r, `metadata.labels[${named}]`);
      expect((await node()).metadata.labels).toEqual(before.metadata.labels);
    });

    it("may set its own labels outside the admin's namespaces, and its status", async () => {
      const labels = { zone: "a", "example.com/rack": "4", "topology.kubernetes.io/zone": "z1" };
      const r = await s.client.api("PATCH", "/api/v1/nodes/fuzz-a", { metadata: { labels } }, a.token, MERGE);
      expect(r.status, r.text).toBe(200);
      expect(r.body.metadata.labels).toMatchObject(labels);
      expect(r.body.spec.taints).toContainEqual({ key: "dedicated", value: "db", effect: "NoSchedule" });
      const status = await s.client.api(
        "PATCH",
        "/api/v1/nodes/fuzz-a/status",
        { status: { conditions: [{ type: "Ready", status: "False", reason: "KubeletNotReady" }] } },
        a.token,
        MERGE,
      );
      expect(status.status, status.text).toBe(200);
    });

    it("a status write cannot carry spec changes either", async () => {
      const before = await node();
      const r = await s.client.api(
        "PATCH",
        "/api/v1/nodes/fuzz-a/status",
        { spec: { taints: null, unschedulable: null } },
        a.token,
        MERGE,
      );
      // The status subresource ignores everything but status, as in Kubernetes.
      expect(r.status).toBe(200);
      expect((await node()).spec).toEqual(before.spec);
    });

    it("the admin still may change all of it", async () => {
      const r = await s.client.api(
        "PATCH",
        "/api/v1/nodes/fuzz-a",
        {
          metadata: { labels: { "node-role.kubernetes.io/db": null } },
          spec: { unschedulable: null, taints: null },
        },
        undefined,
        MERGE,
      );
      expect(r.status, r.text).toBe(200);
      expect(r.body.spec.taints).toBeUndefined();
    });
  });
});
