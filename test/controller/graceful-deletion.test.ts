// The DaemonSet controller and its garbage collector over a real store, with a deleter that
// knows which nodes' agents report pods gone (n1, n2) and which do not (n3): cascades in the
// three propagation modes, adoption of orphans, and rollouts that wait for the old pod to go.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DaemonSet, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { DaemonSetController } from "../../control-plane/controller/daemonset-controller.js";
import { daemonSet, node } from "../../control-plane/controller/test-builders.js";
import { Deleter } from "../../control-plane/deletion/deleter.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { FakeClock } from "../helpers/fake-clock.js";

let clock: FakeClock;
let store: Store;
let deleter: Deleter;
let controller: DaemonSetController;
const GRACEFUL = new Set(["n1", "n2"]);

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  store = openStore({ path: ":memory:", clock });
  const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
  deleter = new Deleter({ store, clock, events, agents: { gracefulDeletion: (n) => GRACEFUL.has(n) } });
  controller = new DaemonSetController({ store, clock, logger: silentLogger, events, deleter });
  for (const n of ["n1", "n2", "n3"]) store.create("nodes", node(n));
});
afterEach(async () => {
  await controller.stop();
  store.close();
});

const pods = (): Pod[] => store.list<Pod>("pods", "default");
/** node: T(erminating) or L(ive), with the pod's hash label. */
const layout = (): string[] =>
  pods()
    .map((p) => `${p.spec.nodeName}:${p.metadata.deletionTimestamp ? "T" : "L"}`)
    .sort();
const getDs = (): DaemonSet | undefined => store.get<DaemonSet>("daemonsets", "default", "web");

function applyDs(ds: DaemonSet): DaemonSet {
  const { uid: _uid, ...metadata } = ds.metadata;
  return store.create("daemonsets", { ...ds, metadata });
}
function readyAll(): void {
  for (const p of pods()) {
    if (p.metadata.deletionTimestamp) continue;
    const next = structuredClone(p);
    next.status = {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: rfc3339(clock.now()) }],
    };
    store.update("pods", next);
  }
}
/** The agents report every terminating pod gone. */
function allGone(): void {
  store.transaction((tx) => {
    for (const p of pods()) if (p.metadata.deletionTimestamp) deleter.podGone(tx, p);
  });
}
const deleteDs = (options: Record<string, unknown>) =>
  store.transaction((tx) => deleter.delete(tx, "daemonsets", getDs() as DaemonSet, options));

describe("deleting a DaemonSet", () => {
  beforeEach(() => {
    applyDs(daemonSet());
    controller.runOnce();
    readyAll();
    expect(layout()).toEqual(["n1:L", "n2:L", "n3:L"]);
  });

  it("Background: the DaemonSet goes at once, its pods turn Terminating (or go, on n3) and go when gone", () => {
    expect(deleteDs({ propagationPolicy: "Background" }).removed).toBe(true);
    controller.runOnce();
    expect(layout()).toEqual(["n1:T", "n2:T"]);
    expect(store.list("controllerrevisions", "default")).toEqual([]);
    allGone();
    expect(pods()).toEqual([]);
  });

  it("Foreground: the DaemonSet stays, marked, until its last pod is gone", () => {
    expect(deleteDs({ propagationPolicy: "Foreground" }).removed).toBe(false);
    controller.runOnce();
    expect(layout()).toEqual(["n1:T", "n2:T"]);
    expect(getDs()?.metadata.finalizers).toEqual(["foregroundDeletion"]);
    expect(store.list("controllerrevisions", "default")).toEqual([]);
    controller.runOnce();
    expect(getDs()).toBeDefined();
    allGone();
    controller.runOnce();
    expect(getDs()).toBeUndefined();
  });

  it("Orphan: the pods stay, without their owner, and a DaemonSet made again adopts them", () => {
    const before = pods()
      .map((p) => p.metadata.uid)
      .sort();
    expect(deleteDs({ propagationPolicy: "Orphan" }).removed).toBe(false);
    controller.runOnce();
    expect(getDs()).toBeUndefined();
    expect(layout()).toEqual(["n1:L", "n2:L", "n3:L"]);
    expect(pods().every((p) => p.metadata.ownerReferences === undefined)).toBe(true);
    expect(store.list("controllerrevisions", "default").every((r) => !r.metadata.ownerReferences)).toBe(true);
    // Nothing manages them now: a resync changes nothing.
    controller.runOnce();
    expect(
      pods()
        .map((p) => p.metadata.uid)
        .sort(),
    ).toEqual(before);
    // The same DaemonSet again: it takes the pods back, and since their template is its own, keeps them.
    const again = applyDs(daemonSet());
    controller.runOnce();
    controller.runOnce();
    expect(
      pods()
        .map((p) => p.metadata.uid)
        .sort(),
    ).toEqual(before);
    expect(pods().every((p) => p.metadata.ownerReferences?.[0]?.uid === again.metadata.uid)).toBe(true);
  });
});

describe("a rolling update on nodes whose agents report pods gone", () => {
  it("replaces one pod at a time, each new pod made once the old one is gone", () => {
    applyDs(
      daemonSet({}, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } }),
    );
    controller.runOnce();
    readyAll();
    const ds = structuredClone(getDs() as DaemonSet);
    ds.spec.template.spec.containers[0]!.image = "everynode/web:v2";
    ds.metadata.generation = 2;
    store.update("daemonsets", ds);
    controller.runOnce();
    expect(layout()).toEqual(["n1:T", "n2:L", "n3:L"]);
    controller.runOnce();
    expect(layout()).toEqual(["n1:T", "n2:L", "n3:L"]);
    allGone();
    controller.runOnce();
    expect(layout()).toEqual(["n1:L", "n2:L", "n3:L"]);
    const onN1 = pods().find((p) => p.spec.nodeName === "n1");
    expect(onN1?.spec.containers[0]?.image).toBe("everynode/web:v2");
  });
});
