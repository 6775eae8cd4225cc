import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ControllerRevision, DaemonSet, KubeEvent, Node, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import {
  DaemonSetController,
  PLAN_HOLD_MAX_MS,
} from "../../control-plane/controller/daemonset-controller.js";
import { daemonSet, node } from "../../control-plane/controller/test-builders.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { FakeClock } from "../helpers/fake-clock.js";

let clock: FakeClock;
let store: Store;
let controller: DaemonSetController;

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  store = openStore({ path: ":memory:", clock });
  const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
  controller = new DaemonSetController({ store, clock, logger: silentLogger, events });
});
afterEach(async () => {
  await controller.stop();
  store.close();
});

const pods = (): Pod[] => store.list<Pod>("pods", "default");
const podNodes = (): string[] =>
  pods()
    .map((p) => p.spec.nodeName ?? "")
    .sort();
const getDs = (name = "web"): DaemonSet => store.get<DaemonSet>("daemonsets", "default", name)!;
const revisions = (): ControllerRevision[] =>
  store.list<ControllerRevision>("controllerrevisions", "default");
const eventsOf = (reason: string): KubeEvent[] =>
  store.list<KubeEvent>("events", "default").filter((e) => e.reason === reason);

function applyDs(ds: DaemonSet): DaemonSet {
  const { uid: _uid, ...metadata } = ds.metadata;
  return store.create("daemonsets", { ...ds, metadata });
}
function editNode(name: string, change: (n: Node) => void): void {
  const n = structuredClone(store.get<Node>("nodes", undefined, name)!);
  change(n);
  store.update("nodes", n);
}
function editDs(change: (d: DaemonSet) => void): void {
  const d = structuredClone(getDs());
  change(d);
  d.metadata.generation = (d.metadata.generation ?? 1) + 1;
  store.update("daemonsets", d);
}
function setPodStatus(pod: Pod, ready: boolean, phase: "Running" | "Failed" = "Running"): void {
  const p = structuredClone(store.get<Pod>("pods", "default", pod.metadata.name ?? "")!);
  p.status = {
    phase,
    conditions: [
      { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: rfc3339(clock.now()) },
    ],
  };
  store.update("pods", p);
}
const readyAll = (): void => pods().forEach((p) => setPodStatus(p, true));

describe("DaemonSetController over a real store", () => {
  beforeEach(() => {
    for (const n of ["n1", "n2", "n3"])
      store.create("nodes", node(n, { labels: n === "n3" ? {} : { role: "edge" } }));
  });

  it("creates exactly one pod per matching node, owned, labelled and bound", () => {
    const ds = applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
    controller.runOnce();
    expect(podNodes()).toEqual(["n1", "n2"]);
    const [rev] = revisions();
    expect(rev?.revision).toBe(1);
    const hash = rev?.metadata.labels?.["controller-revision-hash"] ?? "";
    expect(rev?.metadata.name).toBe(`web-${hash}`);
    expect(rev?.data).toMatchObject({ spec: { template: { $patch: "replace" } } });
    for (const p of pods()) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          name: "web",
          uid: ds.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(p.metadata.labels).toEqual({
        app: "web",
        "controller-revision-hash": hash,
        "pod-template-generation": "1",
      });
    }
    const created = eventsOf("SuccessfulCreate");
    expect(created.map((e) => e.message).sort()).toEqual(
      pods()
        .map((p) => `Created pod: ${p.metadata.name}`)
        .sort(),
    );
    expect(created[0]?.source?.component).toBe("daemonset-controller");
    expect(created[0]?.involvedObject).toMatchObject({
      kind: "DaemonSet",
      name: "web",
      uid: ds.metadata.uid,
    });
    expect(getDs().status).toMatchObject({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 0,
      numberUnavailable: 2,
      updatedNumberScheduled: 2,
      observedGeneration: 1,
    });
  });

  it("writes nothing on a pass that has nothing to do", () => {
    applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
    controller.runOnce();
    const revision = store.revision();
    controller.runOnce();
    expect(store.revision()).toBe(revision);
  });

  it("counts ready pods in the status", () => {
    applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
    controller.runOnce();
    readyAll();
    controller.runOnce();
    expect(getDs().status).toMatchObject({ numberReady: 2, numberAvailable: 2, numberUnavailable: 0 });
  });

  it("follows node labels and taints", () => {
    applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
    controller.runOnce();
    editNode("n2", (n) => (n.metadata.labels = {}));
    editNode("n3", (n) => (n.metadata.labels = { role: "edge" }));
    controller.runOnce();
    expect(podNodes()).toEqual(["n1", "n3"]);
    expect(eventsOf("SuccessfulDelete")).toHaveLength(1);

    editNode("n1", (n) => (n.spec.taints = [{ key: "gpu", effect: "NoSchedule" }]));
    controller.runOnce();
    expect(podNodes()).toEqual(["n1", "n3"]);
    expect(getDs().status).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 1 });

    editNode("n1", (n) => (n.spec.taints = [{ key: "gpu", effect: "NoExecute" }]));
    controller.runOnce();
    expect(podNodes()).toEqual(["n3"]);
  });

  it("deletes the pods of a deleted node", () => {
    applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
    controller.runOnce();
    store.delete("nodes", undefined, "n1");
    controller.runOnce();
    expect(podNodes()).toEqual(["n2"]);
  });

  it("deletes the pods and revisions of a deleted DaemonSet", () => {
    applyDs(daemonSet());
    controller.runOnce();
    expect(pods()).toHaveLength(3);
    store.delete("daemonsets", "default", "web");
    controller.runOnce();
    expect(pods()).toEqual([]);
    expect(revisions()).toEqual([]);
  });

  it("rolls a template change out one node at a time, then a rollback renumbers the revision", () => {
    applyDs(daemonSet());
    controller.runOnce();
    readyAll();
    const original = revisions()[0]!;
    editDs((d) => (d.spec.template.spec.containers[0]!.image = "everynode/web:v2"));
    controller.runOnce();
    const v2 = revisions().find((r) => r.revision === 2)!;
    const v2Hash = v2.metadata.labels?.["controller-revision-hash"];
    const updated = () => pods().filter((p) => p.metadata.labels?.["controller-revision-hash"] === v2Hash);
    expect(updated()).toHaveLength(1);
    expect(updated()[0]?.metadata.labels?.["pod-template-generation"]).toBe("2");
    expect(pods()).toHaveLength(3);
    controller.runOnce(); // the new pod is not ready: nothing more
    expect(updated()).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      readyAll();
      controller.runOnce();
    }
    expect(updated()).toHaveLength(3);
    readyAll();
    controller.runOnce();
    expect(getDs().status).toMatchObject({
      updatedNumberScheduled: 3,
      numberAvailable: 3,
      observedGeneration: 2,
    });

    editDs((d) => (d.spec.template.spec.containers[0]!.image = "everynode/web:test"));
    controller.runOnce();
    const back = store.get<ControllerRevision>(
      "controllerrevisions",
      "default",
      original.metadata.name ?? "",
    );
    expect(back?.revision).toBe(3);
    expect(revisions()).toHaveLength(2);
  });

  it("prunes revisions beyond revisionHistoryLimit unless pods still carry them", () => {
    applyDs(daemonSet({}, { revisionHistoryLimit: 1, updateStrategy: { type: "OnDelete" } }));
    controller.runOnce();
    for (const image of ["v2", "v3", "v4"]) {
      editDs((d) => (d.spec.template.spec.containers[0]!.image = `everynode/web:${image}`));
      controller.runOnce();
    }
    // Three old revisions, limit 1: two go, oldest first, but revision 1 is skipped
    // because pods still run it (as Kubernetes counts: live ones take part in the limit).
    expect(
      revisions()
        .map((r) => r.revision)
        .sort(),
    ).toEqual([1, 4]);
  });

  it("replaces a failed pod, then backs off before the next replacement", async () => {
    applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
    controller.runOnce();
    const first = pods().find((p) => p.spec.nodeName === "n1")!;
    setPodStatus(first, false, "Failed");
    controller.runOnce();
    const second = pods().find((p) => p.spec.nodeName === "n1")!;
    expect(second.metadata.name).not.toBe(first.metadata.name);
    expect(eventsOf("FailedDaemonPod")[0]?.type).toBe("Warning");

    setPodStatus(second, false, "Failed");
    controller.runOnce();
    expect(pods().find((p) => p.spec.nodeName === "n1")?.metadata.name).toBe(second.metadata.name);
    await clock.advance(1_500);
    controller.runOnce();
    expect(pods().find((p) => p.spec.nodeName === "n1")?.metadata.name).not.toBe(second.metadata.name);
  });

  it("runs by itself once started: a store change leads to a pass", async () => {
    controller.start();
    applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(podNodes()).toEqual(["n1", "n2"]);
    editNode("n3", (n) => (n.metadata.labels = { role: "edge" }));
    await new Promise((r) => setImmediate(r));
    expect(podNodes()).toEqual(["n1", "n2", "n3"]);
  });

  it("plans nothing new while assignment sets wait to go out, and at most PLAN_HOLD_MAX_MS", async () => {
    await controller.stop();
    let setsWaiting = true;
    const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
    controller = new DaemonSetController({
      store,
      clock,
      logger: silentLogger,
      events,
      holdPlansWhile: () => setsWaiting,
    });
    const turns = async (): Promise<void> => {
      for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
    };
    controller.start();
    applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
    await turns();
    await clock.advance(100);
    await turns();
    expect(podNodes()).toEqual([]);
    setsWaiting = false;
    await clock.advance(25);
    await turns();
    expect(podNodes()).toEqual(["n1", "n2"]);

    // Sets that never stop going out hold a plan back no longer than PLAN_HOLD_MAX_MS.
    setsWaiting = true;
    editNode("n3", (n) => (n.metadata.labels = { role: "edge" }));
    await turns();
    await clock.advance(PLAN_HOLD_MAX_MS - 50);
    await turns();
    expect(podNodes()).toEqual(["n1", "n2"]);
    for (let i = 0; i < 5; i++) {
      await clock.advance(25);
      await turns();
    }
    expect(podNodes()).toEqual(["n1", "n2", "n3"]);
  });

  it("paces the plan after a slow one, but a DaemonSet's spec change is planned at once", async () => {
    // Time as the controller measures its own work: each read of the fleet takes 10 ms.
    let perfNow = 1_000;
    vi.spyOn(performance, "now").mockImplementation(() => perfNow);
    const list = store.list.bind(store);
    vi.spyOn(store, "list").mockImplementation(((...args: Parameters<Store["list"]>) => {
      perfNow += 10;
      return list(...args);
    }) as Store["list"]);
    const turns = async (): Promise<void> => {
      for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
    };
    try {
      controller.start();
      applyDs(daemonSet({ nodeSelector: { role: "edge" } }));
      await turns();
      expect(podNodes()).toEqual(["n1", "n2"]);

      // A node change waits out the pacing (twice the last plan's time, on the clock).
      editNode("n3", (n) => (n.metadata.labels = { role: "edge" }));
      await turns();
      expect(podNodes()).toEqual(["n1", "n2"]);

      // A spec change does not: its plan starts now, and sees the node too.
      editDs((d) => (d.spec.minReadySeconds = 1));
      await turns();
      expect(podNodes()).toEqual(["n1", "n2", "n3"]);
      expect(getDs().status?.observedGeneration).toBe(2);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("the resync timer makes progress without a change (minReadySeconds)", async () => {
    applyDs(daemonSet({ nodeSelector: { role: "edge" } }, { minReadySeconds: 10 }));
    controller.runOnce();
    readyAll();
    controller.runOnce();
    expect(getDs().status?.numberAvailable).toBe(0);
    controller.start();
    await new Promise((r) => setImmediate(r));
    await clock.advance(11_000);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(getDs().status?.numberAvailable).toBe(2);
  });
});

describe("DaemonSetController at scale", () => {
  it("plans 10,000 nodes × 5 DaemonSets × 50,000 pods quickly (logged, not asserted)", () => {
    store.transaction((tx) => {
      for (let i = 0; i < 10_000; i++) tx.create("nodes", node(`node-${i}`, { labels: { role: "edge" } }));
    });
    for (let d = 0; d < 5; d++) applyDs(daemonSet({}, { name: `ds${d}` }));
    let t = performance.now();
    controller.runOnce();
    const firstMs = performance.now() - t;
    expect(store.list("pods", "default")).toHaveLength(50_000);
    const steady: number[] = [];
    const revision = store.revision();
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      controller.runOnce();
      steady.push(performance.now() - t);
    }
    expect(store.revision()).toBe(revision);
    steady.sort((a, b) => a - b);
    console.log(
      `scale: first pass (50,000 creates) ${firstMs.toFixed(0)} ms; steady full pass ` +
        `min ${steady[0]?.toFixed(0)} ms, median ${steady[2]?.toFixed(0)} ms, max ${steady[4]?.toFixed(0)} ms`,
    );
    expect(getDs("ds0").status?.desiredNumberScheduled).toBe(10_000);
  });
});
