// Deletion over real HTTP: graceful pods on nodes whose agents report them gone (the harness
// pretends node "graceful" has such an agent), grace periods, DeleteOptions, finalizers,
// DaemonSet propagation finalizers, Terminating namespaces.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { call, nodeObject, seedPod, startApi, tutorialDaemonSet, type ApiHarness } from "./harness.js";
import { stream } from "./line-stream.js";

let h: ApiHarness;

type Any = any;
const PODS = "/api/v1/namespaces/default/pods";
const DS = "/apis/apps/v1/namespaces/default/daemonsets";

beforeAll(async () => {
  h = await startApi({ gracefulNodes: ["graceful"] });
  for (const n of ["graceful", "plain"])
    expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject(n) })).status).toBe(201);
});
afterAll(async () => {
  await h.close();
});

const at = (seconds: number): string => rfc3339(h.clock.now() + seconds * 1000);
const stored = (name: string, ns = "default"): Pod | undefined => h.store.get<Pod>("pods", ns, name);

function seedWithGrace(name: string, node: string, grace?: number, finalizers?: string[]): Pod {
  const p = seedPod(h.store, name, node);
  const next = structuredClone(p) as Pod;
  if (grace !== undefined) next.spec.terminationGracePeriodSeconds = grace;
  if (finalizers) next.metadata.finalizers = finalizers;
  return h.store.update("pods", next);
}

describe("graceful pod deletion", () => {
  it("marks the pod Terminating with now + its grace period, answers it, and keeps it", async () => {
    seedWithGrace("g-1", "graceful", 20);
    const watch = stream(h, `${PODS}?watch=1&fieldSelector=metadata.name%3Dg-1`);
    await watch.status;
    const r = await call(h, "DELETE", `${PODS}/g-1`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      kind: "Pod",
      metadata: { name: "g-1", deletionTimestamp: at(20), deletionGracePeriodSeconds: 20 },
    });
    expect(stored("g-1")?.metadata.deletionTimestamp).toBe(at(20));
    const lines = await watch.waitFor(2);
    watch.close();
    expect(JSON.parse(lines[1] ?? "{}")).toMatchObject({
      type: "MODIFIED",
      object: { metadata: { name: "g-1", deletionGracePeriodSeconds: 20 } },
    });
    const events = h.store.list("events", "default").filter((e: Any) => e.involvedObject.name === "g-1");
    expect(events.map((e: Any) => `${e.reason} ${e.message}`)).toEqual(["Killing Stopping container nginx"]);
  });

  it("takes gracePeriodSeconds from the query, and from the body over it", async () => {
    seedWithGrace("g-2", "graceful", 20);
    seedWithGrace("g-3", "graceful", 20);
    expect(
      (await call(h, "DELETE", `${PODS}/g-2?gracePeriodSeconds=4`)).json.metadata.deletionGracePeriodSeconds,
    ).toBe(4);
    const r = await call(h, "DELETE", `${PODS}/g-3?gracePeriodSeconds=4`, {
      body: { gracePeriodSeconds: 3 },
    });
    expect(r.json.metadata).toMatchObject({ deletionGracePeriodSeconds: 3, deletionTimestamp: at(3) });
  });

  it("shortens the grace period on a second delete, never lengthens it, and removes with 0", async () => {
    seedWithGrace("g-4", "graceful", 30);
    await call(h, "DELETE", `${PODS}/g-4`);
    const longer = await call(h, "DELETE", `${PODS}/g-4`, { body: { gracePeriodSeconds: 60 } });
    expect(longer.status).toBe(200);
    expect(longer.json.metadata).toMatchObject({ deletionGracePeriodSeconds: 30, deletionTimestamp: at(30) });
    const shorter = await call(h, "DELETE", `${PODS}/g-4`, { body: { gracePeriodSeconds: 10 } });
    expect(shorter.json.metadata).toMatchObject({
      deletionGracePeriodSeconds: 10,
      deletionTimestamp: at(10),
    });
    const force = await call(h, "DELETE", `${PODS}/g-4`, { body: { gracePeriodSeconds: 0 } });
    expect(force.status).toBe(200);
    expect(stored("g-4")).toBeUndefined();
  });

  it("removes at once with grace period 0 (kubectl --grace-period=0 --force)", async () => {
    seedWithGrace("g-5", "graceful", 30);
    expect((await call(h, "DELETE", `${PODS}/g-5?gracePeriodSeconds=0`)).status).toBe(200);
    expect(stored("g-5")).toBeUndefined();
  });

  it("removes at once a pod whose node's agent cannot report it gone", async () => {
    seedWithGrace("p-1", "plain", 30);
    const r = await call(h, "DELETE", `${PODS}/p-1`);
    expect(r.json.metadata).toMatchObject({ deletionGracePeriodSeconds: 0 });
    expect(stored("p-1")).toBeUndefined();
  });

  it("keeps status writes working for a terminating pod", async () => {
    seedWithGrace("g-6", "graceful", 30);
    await call(h, "DELETE", `${PODS}/g-6`);
    const r = await call(h, "PATCH", `${PODS}/g-6/status`, {
      body: { status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }] } },
      contentType: "application/merge-patch+json",
    });
    expect(r.status).toBe(200);
    expect(r.json.metadata.deletionTimestamp).toBe(at(30));
    expect(r.json.status.conditions).toEqual([{ type: "Ready", status: "False" }]);
  });

  it("keeps deletionTimestamp and deletionGracePeriodSeconds out of clients' hands", async () => {
    seedWithGrace("g-7", "graceful", 30);
    const marked = (await call(h, "DELETE", `${PODS}/g-7`)).json;
    const r = await call(h, "PATCH", `${PODS}/g-7`, {
      body: { metadata: { deletionGracePeriodSeconds: 1, deletionTimestamp: null } },
      contentType: "application/merge-patch+json",
    });
    expect(r.status).toBe(200);
    expect(r.json.metadata).toMatchObject({
      deletionGracePeriodSeconds: 30,
      deletionTimestamp: marked.metadata.deletionTimestamp,
    });
  });

  it("answers a dry run with the pod as it would be, changing nothing", async () => {
    seedWithGrace("g-8", "graceful", 30);
    const r = await call(h, "DELETE", `${PODS}/g-8?dryRun=All`);
    expect(r.json.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(stored("g-8")?.metadata.deletionTimestamp).toBeUndefined();
  });

  it("evicts gracefully with the eviction's delete options", async () => {
    seedWithGrace("g-9", "graceful", 30);
    const r = await call(h, "POST", `${PODS}/g-9/eviction`, {
      body: {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: "g-9" },
        deleteOptions: { gracePeriodSeconds: 5 },
      },
    });
    expect(r.status).toBe(201);
    expect(stored("g-9")?.metadata.deletionGracePeriodSeconds).toBe(5);
  });
});

describe("DeleteOptions that cannot be applied", () => {
  it.each<[string, string, unknown, number]>([
    ["an unknown propagationPolicy", "?propagationPolicy=Later", undefined, 422],
    [
      "orphanDependents with propagationPolicy",
      "",
      { orphanDependents: true, propagationPolicy: "Orphan" },
      422,
    ],
    ["a gracePeriodSeconds that is no integer", "?gracePeriodSeconds=soon", undefined, 400],
    ["an unknown field", "", { graceSeconds: 3 }, 400],
  ])("refuses %s and deletes nothing", async (_name, query, body, status) => {
    seedWithGrace("bad-opts", "graceful", 30);
    const r = await call(h, "DELETE", `${PODS}/bad-opts${query}`, body === undefined ? {} : { body });
    expect(r.status).toBe(status);
    expect(stored("bad-opts")?.metadata.deletionTimestamp).toBeUndefined();
    h.store.delete("pods", "default", "bad-opts");
  });
});

describe("finalizers", () => {
  it("holds a deleted pod until its finalizer is cleared", async () => {
    seedWithGrace("f-1", "plain", 30, ["example.com/keep"]);
    const r = await call(h, "DELETE", `${PODS}/f-1`);
    expect(r.json.metadata).toMatchObject({
      deletionGracePeriodSeconds: 0,
      finalizers: ["example.com/keep"],
    });
    expect(stored("f-1")).toBeDefined();
    const added = await call(h, "PATCH", `${PODS}/f-1`, {
      body: { metadata: { finalizers: ["example.com/keep", "example.com/more"] } },
      contentType: "application/merge-patch+json",
    });
    expect(added.status).toBe(422);
    expect(added.json.details.causes[0].message).toContain("no new finalizers can be added");
    const cleared = await call(h, "PATCH", `${PODS}/f-1`, {
      body: { metadata: { finalizers: null } },
      contentType: "application/merge-patch+json",
    });
    expect(cleared.status).toBe(200);
    expect(stored("f-1")).toBeUndefined();
  });

  it("refuses finalizers that are neither standard nor qualified", async () => {
    const ds = tutorialDaemonSet("fin-bad") as Any;
    ds.metadata.finalizers = ["cleanup"];
    const r = await call(h, "POST", DS, { body: ds });
    expect(r.status).toBe(422);
    expect(r.json.details.causes[0].field).toBe("metadata.finalizers[0]");
  });

  it("holds a DaemonSet with a user's finalizer, and removes it when cleared", async () => {
    const ds = tutorialDaemonSet("fin-ds") as Any;
    ds.metadata.finalizers = ["example.com/keep"];
    expect((await call(h, "POST", DS, { body: ds })).status).toBe(201);
    const r = await call(h, "DELETE", `${DS}/fin-ds`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: "DaemonSet", metadata: { finalizers: ["example.com/keep"] } });
    expect(r.json.metadata.deletionTimestamp).toBeDefined();
    const patched = await call(h, "PATCH", `${DS}/fin-ds`, {
      body: [{ op: "remove", path: "/metadata/finalizers" }],
      contentType: "application/json-patch+json",
    });
    expect(patched.status).toBe(200);
    expect((await call(h, "GET", `${DS}/fin-ds`)).status).toBe(404);
  });
});

describe("DaemonSet propagation", () => {
  it.each<[string, Record<string, unknown>, number, string[] | undefined]>([
    ["Background removes it at once", { propagationPolicy: "Background" }, 200, undefined],
    [
      "Foreground marks it with foregroundDeletion",
      { propagationPolicy: "Foreground" },
      200,
      ["foregroundDeletion"],
    ],
    ["Orphan marks it with orphan", { propagationPolicy: "Orphan" }, 200, ["orphan"]],
    ["orphanDependents false is Background", { orphanDependents: false }, 200, undefined],
  ])("%s", async (_name, body, status, finalizers) => {
    expect((await call(h, "POST", DS, { body: tutorialDaemonSet("prop") })).status).toBe(201);
    const r = await call(h, "DELETE", `${DS}/prop`, { body });
    expect(r.status).toBe(status);
    const left = h.store.get("daemonsets", "default", "prop");
    expect(left?.metadata.finalizers).toEqual(finalizers);
    if (left) h.store.delete("daemonsets", "default", "prop");
  });

  it("answers 202 when dependents are not to be orphaned and the DaemonSet stays", async () => {
    const ds = tutorialDaemonSet("prop-202") as Any;
    ds.metadata.finalizers = ["example.com/keep"];
    expect((await call(h, "POST", DS, { body: ds })).status).toBe(201);
    expect((await call(h, "DELETE", `${DS}/prop-202`, { body: { orphanDependents: false } })).status).toBe(
      202,
    );
    h.store.delete("daemonsets", "default", "prop-202");
  });
});

describe("namespaces", () => {
  it("refuse spec.finalizers other than kubernetes (there is no finalize subresource)", async () => {
    const r = await call(h, "POST", "/api/v1/namespaces", {
      body: { metadata: { name: "held" }, spec: { finalizers: ["kubernetes", "example.com/x"] } },
    });
    expect(r.status).toBe(422);
    expect(r.json.details.causes[0].field).toBe("spec.finalizers[1]");
  });

  it("stay Terminating while a pod terminates, refusing new content, and go with it", async () => {
    expect(
      (await call(h, "POST", "/api/v1/namespaces", { body: { metadata: { name: "team" } } })).status,
    ).toBe(201);
    seedPod(h.store, "web", "graceful", "team");
    seedPod(h.store, "other", "plain", "team");
    const r = await call(h, "DELETE", "/api/v1/namespaces/team");
    expect(r.status).toBe(200);
    expect(r.json.status.phase).toBe("Terminating");
    const ns = await call(h, "GET", "/api/v1/namespaces/team");
    expect(ns.json.status.phase).toBe("Terminating");
    expect(
      h.store.list("pods", "team").map((p) => [p.metadata.name, Boolean(p.metadata.deletionTimestamp)]),
    ).toEqual([["web", true]]);
    const create = await call(h, "POST", "/apis/apps/v1/namespaces/team/daemonsets", {
      body: tutorialDaemonSet("late"),
    });
    expect(create.status).toBe(403);
    expect(create.json.message).toBe(
      'daemonsets.apps "late" is forbidden: unable to create new content in namespace team because it is being terminated',
    );
    expect(create.json.details.causes[0].reason).toBe("NamespaceTerminating");
    // The pod's node reports it gone: the deleter removes it, and the namespace with it.
    const web = stored("web", "team") as Pod;
    expect(h.store.transaction((tx) => h.deleter.podGone(tx, web))).toBe(true);
    expect((await call(h, "GET", "/api/v1/namespaces/team")).status).toBe(404);
  });
});
