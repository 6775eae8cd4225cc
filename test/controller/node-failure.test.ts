import { afterEach, beforeEach, expect, it } from "vitest";
import type { DaemonSet, Node, Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import { DaemonSetController } from "../../control-plane/controller/daemonset-controller.js";
import { daemonSet, node } from "../../control-plane/controller/test-builders.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { NodeLifecycle } from "../../control-plane/nodes/node-lifecycle.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { FakeClock } from "../helpers/fake-clock.js";

let clock: FakeClock;
let store: Store;
let controller: DaemonSetController;
let lifecycle: NodeLifecycle;

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  store = openStore({ path: ":memory:", clock });
  const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
  controller = new DaemonSetController({ store, clock, logger: silentLogger, events });
  lifecycle = new NodeLifecycle({ store, clock, logger: silentLogger, events });
});
afterEach(async () => {
  lifecycle.stop();
  await controller.stop();
  store.close();
});

const status = () => store.get<DaemonSet>("daemonsets", "default", "web")?.status;
const podsOn = (n: string) => store.listPodsOnNode(n);

it("a node that goes silent keeps its daemon pod, not ready and misscheduled; a cordoned node still runs one", async () => {
  for (const n of ["n1", "n2"]) store.create("nodes", node(n));
  const { uid: _uid, ...metadata } = daemonSet().metadata;
  store.create("daemonsets", { ...daemonSet(), metadata });
  lifecycle.start();
  controller.runOnce();
  expect(podsOn("n1")).toHaveLength(1);

  lifecycle.heartbeat("n1");
  lifecycle.heartbeat("n2");
  await clock.advance(30_000);
  lifecycle.heartbeat("n2");
  await clock.advance(15_000); // n1 silent for 45 s
  lifecycle.sweep();
  controller.runOnce();
  const kept = podsOn("n1");
  expect(kept).toHaveLength(1);
  expect(kept[0]?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
  expect(status()).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 1 });

  // Back: Ready again, desired again, the same pod.
  lifecycle.heartbeat("n1");
  controller.runOnce();
  expect(podsOn("n1").map((p: Pod) => p.metadata.name)).toEqual(kept.map((p) => p.metadata.name));
  expect(status()).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 0 });

  // Cordon n2: the unschedulable taint appears, and the daemon pod stays.
  const n2 = structuredClone(store.get<Node>("nodes", undefined, "n2")!);
  n2.spec.unschedulable = true;
  store.update("nodes", n2);
  await new Promise((r) => setImmediate(r));
  controller.runOnce();
  expect(store.get<Node>("nodes", undefined, "n2")?.spec.taints?.map((t) => t.key)).toEqual([
    "node.kubernetes.io/unschedulable",
  ]);
  expect(podsOn("n2")).toHaveLength(1);
  expect(status()?.desiredNumberScheduled).toBe(2);
});
