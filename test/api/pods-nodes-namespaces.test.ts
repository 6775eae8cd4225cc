// Pods (refused creation, delete, eviction, logs), node delete cascade, namespaces (builtin,
// cascade, protection).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EverynodeError } from "../../shared/errors.js";
import { call, nodeObject, seedPod, startApi, tutorialDaemonSet, type ApiHarness } from "./harness.js";
import { stream } from "./line-stream.js";

let h: ApiHarness;

type Any = any;
const PODS = "/api/v1/namespaces/default/pods";

beforeAll(async () => {
  h = await startApi();
  for (const n of ["n1", "n2"])
    expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject(n) })).status).toBe(201);
});
afterAll(async () => {
  await h.close();
});

describe("pods", () => {
  it("refuses POST with a 405 that points to DaemonSets", async () => {
    const r = await call(h, "POST", PODS, {
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "bare" },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    });
    expect(r.status).toBe(405);
    expect(r.json).toMatchObject({
      kind: "Status",
      reason: "MethodNotAllowed",
      message: "everynode runs only DaemonSet pods: create a DaemonSet instead",
    });
    expect(h.store.get("pods", "default", "bare")).toBeUndefined();
  });

  it("deletes at once, answering the pod with a deletionTimestamp, and honours preconditions", async () => {
    const pod = seedPod(h.store, "del-1", "n1");
    const wrong = await call(h, "DELETE", `${PODS}/del-1`, {
      body: { preconditions: { resourceVersion: "1" } },
    });
    expect(wrong.status).toBe(409);
    const r = await call(h, "DELETE", `${PODS}/del-1`, {
      body: { preconditions: { uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion } },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      kind: "Pod",
      metadata: { name: "del-1", uid: pod.metadata.uid, deletionTimestamp: "2026-12-01T12:00:00Z" },
    });
    expect(h.store.get("pods", "default", "del-1")).toBeUndefined();
  });

  it("refuses a pod update that changes the spec", async () => {
    const pod = seedPod(h.store, "upd-1", "n1");
    const changed: Any = structuredClone(pod);
    changed.spec.containers[0].image = "other";
    const r = await call(h, "PUT", `${PODS}/upd-1`, { body: changed });
    expect(r.status).toBe(422);
    const labelled: Any = structuredClone(pod);
    labelled.metadata.labels = { app: "nginx", extra: "1" };
    expect((await call(h, "PUT", `${PODS}/upd-1`, { body: labelled })).status).toBe(200);
  });

  it("evicts a pod for kubectl drain", async () => {
    seedPod(h.store, "evict-1", "n1");
    const r = await call(h, "POST", `${PODS}/evict-1/eviction`, {
      body: {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: "evict-1", namespace: "default" },
      },
    });
    expect(r.status).toBe(201);
    expect(h.store.get("pods", "default", "evict-1")).toBeUndefined();
  });
});

describe("logs", () => {
  it("streams text/plain with the chosen container and options", async () => {
    seedPod(h.store, "log-1", "n1");
    const r = await call(h, "GET", `${PODS}/log-1/log?tailLines=5&timestamps=true`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/plain");
    expect(r.text).toBe("nginx line 1\nnginx line 2\n");
    expect(h.logs.calls.at(-1)).toEqual({
      pod: "log-1",
      options: { container: "nginx", follow: false, timestamps: true, previous: false, tailLines: 5 },
    });
  });

  it("follows until the client leaves", async () => {
    const s = stream(h, `${PODS}/log-1/log?follow=true`);
    expect(await s.status).toBe(200);
    expect(await s.waitFor(2)).toEqual(["nginx line 1", "nginx line 2"]);
    s.close();
  });

  it("answers errors before the first byte as a Status", async () => {
    h.logs.fail = new EverynodeError("ServiceUnavailable", 'the agent of node "n1" is not connected');
    try {
      const r = await call(h, "GET", `${PODS}/log-1/log`);
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ kind: "Status", reason: "ServiceUnavailable" });
    } finally {
      delete h.logs.fail;
    }
  });

  it("asks for a container name when the pod has several", async () => {
    h.store.create("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "two", namespace: "default" },
      spec: {
        nodeName: "n1",
        containers: [
          { name: "a", image: "x" },
          { name: "b", image: "y" },
        ],
      },
    });
    const r = await call(h, "GET", `${PODS}/two/log`);
    expect(r.status).toBe(400);
    expect(r.json.message).toBe("a container name must be specified for pod two, choose one of: [a b]");
    expect((await call(h, "GET", `${PODS}/two/log?container=b`)).text).toBe("b line 1\nb line 2\n");
    expect((await call(h, "GET", `${PODS}/nope/log`)).json.message).toBe('pods "nope" not found');
  });
});

describe("nodes", () => {
  it("deleting a node deletes its pods in the same transaction, and nothing else", async () => {
    seedPod(h.store, "on-n2-a", "n2");
    seedPod(h.store, "on-n2-b", "n2", "kube-system");
    seedPod(h.store, "on-n1", "n1");
    const batches: string[][] = [];
    const stop = h.store.onChange((events) =>
      batches.push(events.map((e) => `${e.type} ${e.resource}/${e.object.metadata.name}`)),
    );
    const r = await call(h, "DELETE", "/api/v1/nodes/n2");
    stop();
    expect(r.status).toBe(200);
    expect(batches).toHaveLength(1);
    expect([...(batches[0] ?? [])].sort()).toEqual([
      "DELETED nodes/n2",
      "DELETED pods/on-n2-a",
      "DELETED pods/on-n2-b",
    ]);
    expect(h.store.get("nodes", undefined, "n2")).toBeUndefined();
    expect(h.store.listPodsOnNode("n2")).toEqual([]);
    expect(h.store.get("pods", "default", "on-n1")).toBeDefined();
  });
});

describe("namespaces", () => {
  it("has the builtin namespaces from the start", async () => {
    const r = await call(h, "GET", "/api/v1/namespaces");
    expect(r.json.items.map((n: Any) => n.metadata.name)).toEqual(
      expect.arrayContaining(["default", "kube-system", "kube-public", "kube-node-lease"]),
    );
    expect(r.json.items[0].status.phase).toBe("Active");
  });

  it.each(["default", "kube-system", "kube-public", "kube-node-lease"])(
    "refuses to delete %s",
    async (name) => {
      const r = await call(h, "DELETE", `/api/v1/namespaces/${name}`);
      expect(r.status).toBe(403);
      expect(r.json.message).toBe(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
      expect(h.store.get("namespaces", undefined, name)).toBeDefined();
    },
  );

  it("deletes a namespace with everything in it, in one transaction", async () => {
    expect(
      (
        await call(h, "POST", "/api/v1/namespaces", {
          body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } },
        })
      ).status,
    ).toBe(201);
    expect(
      (await call(h, "POST", "/apis/apps/v1/namespaces/team/daemonsets", { body: tutorialDaemonSet("web") }))
        .status,
    ).toBe(201);
    seedPod(h.store, "web-x", "n1", "team");
    h.store.create("events", {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "e1", namespace: "team" },
      involvedObject: { kind: "Pod", name: "web-x" },
    });
    h.store.create("controllerrevisions", {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name: "web-1", namespace: "team" },
      data: {},
      revision: 1,
    });
    expect(
      (
        await call(h, "POST", "/apis/apps/v1/namespaces/default/daemonsets", {
          body: tutorialDaemonSet("keep"),
        })
      ).status,
    ).toBe(201);
    const batches: number[] = [];
    const stop = h.store.onChange((events) => batches.push(events.length));
    const r = await call(h, "DELETE", "/api/v1/namespaces/team");
    stop();
    expect(r.status).toBe(200);
    expect(r.json.status.phase).toBe("Terminating");
    expect(batches).toEqual([5]);
    for (const resource of ["daemonsets", "pods", "events", "controllerrevisions"] as const) {
      expect(h.store.list(resource, "team")).toEqual([]);
    }
    expect(h.store.get("daemonsets", "default", "keep")).toBeDefined();
    const create = await call(h, "POST", "/apis/apps/v1/namespaces/team/daemonsets", {
      body: tutorialDaemonSet("late"),
    });
    expect(create.status).toBe(404);
    expect(create.json.message).toBe('namespaces "team" not found');
  });

  it("validates namespace names", async () => {
    const r = await call(h, "POST", "/api/v1/namespaces", {
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "Not_Valid" } },
    });
    expect(r.status).toBe(422);
    expect(r.json.details.causes[0].field).toBe("metadata.name");
  });
});
