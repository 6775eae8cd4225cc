// The deleter over a real SQLite store (in memory): what stays, what goes, what goes with it.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubeObject, Namespace, Pod } from "../../shared/api-types.js";
import { EventRecorder } from "../events/event-recorder.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { fakeClock, pod } from "../store/test-support.js";
import { Deleter } from "./deleter.js";

let store: Store;
let deleter: Deleter;
/** Nodes whose agents report pods gone. */
let graceful: Set<string>;

beforeEach(() => {
  const clock = fakeClock();
  store = openStore({ path: ":memory:", clock });
  graceful = new Set(["n1"]);
  deleter = new Deleter({
    store,
    clock,
    events: new EventRecorder({ store, clock, ttlMs: 3_600_000 }),
    agents: { gracefulDeletion: (node) => graceful.has(node) },
  });
  store.create<Namespace>("namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "default" },
  });
});
afterEach(() => store.close());

const getPod = (name: string, ns = "default"): Pod | undefined => store.get<Pod>("pods", ns, name);
const del = (resource: "pods" | "nodes" | "namespaces" | "daemonsets", object: KubeObject, options = {}) =>
  store.transaction((tx) => deleter.delete(tx, resource, object, options));
const killing = (): string[] =>
  store
    .list("events")
    .filter((e) => e.reason === "Killing")
    .map((e) => String((e.involvedObject as { name: string }).name));

describe("Deleter: pods", () => {
  it("marks a pod on a node whose agent reports it gone, records Killing, and removes it when gone", () => {
    const p = store.create("pods", {
      ...pod("web-1", { node: "n1" }),
      spec: { ...pod("x").spec, nodeName: "n1", terminationGracePeriodSeconds: 7 },
    });
    const outcome = del("pods", p);
    expect(outcome.removed).toBe(false);
    expect(getPod("web-1")?.metadata).toMatchObject({ deletionGracePeriodSeconds: 7 });
    expect(killing()).toEqual(["web-1"]);
    // A second delete changes nothing, and records nothing more.
    expect(del("pods", p).removed).toBe(false);
    expect(killing()).toEqual(["web-1"]);
    expect(store.transaction((tx) => deleter.podGone(tx, p))).toBe(true);
    expect(getPod("web-1")).toBeUndefined();
  });

  it("records Killing once when a terminating pod is then removed with grace period 0", () => {
    const p = store.create("pods", pod("web-6", { node: "n1" }));
    del("pods", p);
    expect(del("pods", p, { gracePeriodSeconds: 0 }).removed).toBe(true);
    expect(killing()).toEqual(["web-6"]);
  });

  it("removes at once a pod whose node's agent cannot report it gone", () => {
    const p = store.create("pods", pod("web-2", { node: "n2" }));
    expect(del("pods", p).removed).toBe(true);
    expect(getPod("web-2")).toBeUndefined();
    expect(killing()).toEqual(["web-2"]);
  });

  it("keeps a gone pod while a finalizer holds it, and removes it when the finalizer is cleared", () => {
    const p = store.create("pods", {
      ...pod("web-3", { node: "n1" }),
      metadata: { ...pod("web-3").metadata, finalizers: ["example.com/keep"] },
    });
    del("pods", p);
    store.transaction((tx) => deleter.podGone(tx, p));
    const held = getPod("web-3");
    expect(held?.metadata.deletionGracePeriodSeconds).toBe(0);
    const cleared = structuredClone(held) as Pod;
    delete cleared.metadata.finalizers;
    store.transaction((tx) => deleter.afterUpdate(tx, "pods", tx.update("pods", cleared)));
    expect(getPod("web-3")).toBeUndefined();
  });

  it("does not remove a terminating pod when its finalizers are cleared before its node reports it gone", () => {
    const p = store.create("pods", {
      ...pod("web-4", { node: "n1" }),
      metadata: { ...pod("web-4").metadata, finalizers: ["example.com/keep"] },
    });
    del("pods", p);
    const cleared = structuredClone(getPod("web-4")) as Pod;
    delete cleared.metadata.finalizers;
    expect(store.transaction((tx) => deleter.afterUpdate(tx, "pods", tx.update("pods", cleared)))).toBe(
      false,
    );
    expect(getPod("web-4")?.metadata.deletionTimestamp).toBeDefined();
  });

  it("refuses a delete whose preconditions do not hold", () => {
    const p = store.create("pods", pod("web-5", { node: "n1" }));
    expect(() =>
      store.transaction((tx) => deleter.delete(tx, "pods", p, {}, { expectedUid: "other" })),
    ).toThrow(/modified/);
    expect(getPod("web-5")?.metadata.deletionTimestamp).toBeUndefined();
  });
});

describe("Deleter: nodes", () => {
  it("removes a node's pods with it, terminating ones too, and holds those with finalizers", () => {
    store.create("nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
    const a = store.create("pods", pod("a", { node: "n1" }));
    store.create("pods", pod("b", { node: "n1" }));
    store.create("pods", {
      ...pod("c", { node: "n1" }),
      metadata: { ...pod("c").metadata, finalizers: ["example.com/k"] },
    });
    store.create("pods", pod("elsewhere", { node: "n2" }));
    del("pods", a);
    const node = store.get("nodes", undefined, "n1") as KubeObject;
    expect(del("nodes", node).removed).toBe(true);
    expect(store.listPodsOnNode("n1").map((p) => p.metadata.name)).toEqual(["c"]);
    expect(getPod("c")?.metadata).toMatchObject({ deletionGracePeriodSeconds: 0 });
    expect(getPod("elsewhere")).toBeDefined();
  });
});

describe("Deleter: namespaces", () => {
  const namespace = (name: string, extra: Record<string, unknown> = {}): KubeObject =>
    store.create("namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, ...extra },
      status: { phase: "Active" },
    });

  it("stays Terminating until its graceful pods are gone, then goes with its events", () => {
    const ns = namespace("team");
    const p = store.create("pods", pod("web", { node: "n1", namespace: "team" }));
    store.create("pods", pod("web-at-once", { node: "n2", namespace: "team" }));
    store.create("events", { apiVersion: "v1", kind: "Event", metadata: { name: "e", namespace: "team" } });
    const outcome = del("namespaces", ns);
    expect(outcome.removed).toBe(false);
    expect(store.get<Namespace>("namespaces", undefined, "team")?.status?.phase).toBe("Terminating");
    expect(store.list("pods", "team").map((x) => x.metadata.name)).toEqual(["web"]);
    expect(store.list("events", "team")).toEqual([]);
    store.transaction((tx) => deleter.podGone(tx, p));
    expect(store.get("namespaces", undefined, "team")).toBeUndefined();
  });

  it("goes at once when nothing in it has to wait", () => {
    const ns = namespace("empty");
    store.create("pods", pod("web", { node: "n2", namespace: "empty" }));
    expect(del("namespaces", ns).removed).toBe(true);
    expect(store.get("namespaces", undefined, "empty")).toBeUndefined();
  });

  it("waits for its own finalizers", () => {
    const ns = namespace("held", { finalizers: ["example.com/keep"] });
    expect(del("namespaces", ns).removed).toBe(false);
    const next = structuredClone(store.get("namespaces", undefined, "held")) as KubeObject;
    delete next.metadata.finalizers;
    store.transaction((tx) => deleter.afterUpdate(tx, "namespaces", tx.update("namespaces", next)));
    expect(store.get("namespaces", undefined, "held")).toBeUndefined();
  });
});

describe("Deleter: finalizers the garbage collector owns", () => {
  it("removes a DaemonSet once its foregroundDeletion finalizer is released", () => {
    const ds = store.create("daemonsets", {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "web", namespace: "default" },
      spec: {},
    });
    expect(del("daemonsets", ds, { propagationPolicy: "Foreground" }).removed).toBe(false);
    const marked = store.get("daemonsets", "default", "web") as KubeObject;
    expect(marked.metadata.finalizers).toEqual(["foregroundDeletion"]);
    store.transaction((tx) => deleter.releaseFinalizer(tx, "daemonsets", marked, "foregroundDeletion"));
    expect(store.get("daemonsets", "default", "web")).toBeUndefined();
  });
});
