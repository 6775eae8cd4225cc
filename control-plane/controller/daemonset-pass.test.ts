import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubeEvent, Node, Pod } from "../../shared/api-types.js";
import { Deleter } from "../deletion/deleter.js";
import { EventRecorder } from "../events/event-recorder.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { planPass, planPassSteps } from "./daemonset-pass.js";
import { applyPass } from "./pass-writer.js";
import { FailedPodBackoff } from "./failed-pod-backoff.js";
import { daemonSet, node } from "./test-builders.js";

let store: Store;
let events: EventRecorder;
const START = Date.UTC(2026, 0, 2, 3, 4, 5);
let clock: FakeClock;
let backoff: FailedPodBackoff;

function pass(): void {
  const deleter = new Deleter({ store, clock, events });
  applyPass(store, events, planPass(store, clock.now(), backoff), backoff, clock.now(), deleter);
}
const killing = (): KubeEvent[] =>
  store.list<KubeEvent>("events", "default").filter((e) => e.reason === "Killing");

beforeEach(() => {
  clock = new FakeClock(START);
  backoff = new FailedPodBackoff(clock);
  store = openStore({ path: ":memory:", clock });
  events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
  for (const n of ["n1", "n2"]) store.create("nodes", node(n));
  const ds = daemonSet({
    containers: [
      { name: "web", image: "everynode/web:test" },
      { name: "sidecar", image: "everynode/web:test" },
    ],
  });
  const { uid: _uid, ...metadata } = ds.metadata;
  store.create("daemonsets", { ...ds, metadata });
  pass();
});
afterEach(() => store.close());

describe("the Killing events of deleted daemon pods", () => {
  it("records one per container, from the node's kubelet, when the DaemonSet goes", () => {
    expect(killing()).toEqual([]);
    const onN1 = store.list<Pod>("pods", "default").find((p) => p.spec.nodeName === "n1")!;
    store.delete("daemonsets", "default", "web");
    pass();
    expect(store.list<Pod>("pods", "default")).toEqual([]);
    const mine = killing().filter((e) => e.involvedObject.name === onN1.metadata.name);
    expect(
      mine.map((e) => [e.message, e.involvedObject.fieldPath, e.source?.component, e.source?.host]).sort(),
    ).toEqual([
      ["Stopping container sidecar", "spec.containers{sidecar}", "kubelet", "n1"],
      ["Stopping container web", "spec.containers{web}", "kubelet", "n1"],
    ]);
    expect(killing()).toHaveLength(4);
  });

  it("records them when a node stops being eligible", () => {
    const n1 = structuredClone(store.get<Node>("nodes", undefined, "n1")!);
    n1.spec.taints = [{ key: "gpu", effect: "NoExecute" }];
    store.update("nodes", n1);
    pass();
    expect(killing().map((e) => e.source?.host)).toEqual(["n1", "n1"]);
  });

  it("are kept for the event TTL, then removed", async () => {
    store.delete("daemonsets", "default", "web");
    pass();
    expect(killing()).toHaveLength(4);
    await clock.set(START + 3_599_000);
    events.gc();
    expect(killing()).toHaveLength(4);
    await clock.set(START + 3_601_000);
    events.gc();
    expect(killing()).toEqual([]);
  });
});

describe("planPassSteps", () => {
  it("yields after the garbage scan and each DaemonSet's plan, and ends with planPass's plan", () => {
    for (const n of ["n3", "n4"]) store.create("nodes", node(n));
    const second = daemonSet({ containers: [{ name: "agent", image: "everynode/web:test" }] });
    const { uid: _uid, ...metadata } = second.metadata;
    store.create("daemonsets", { ...second, metadata: { ...metadata, name: "agent" } });
    const steps = planPassSteps(store, clock.now(), backoff);
    let yields = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) yields++;
    // The garbage scan, then two DaemonSets; within a plan, every STEP_ITEMS nodes or pods
    // (plan-phases.test.ts), which four nodes do not reach.
    expect(yields).toBe(1 + 2);
    const whole = planPass(store, clock.now(), backoff);
    expect(next.value.work.map((w) => [w.ds.metadata.name, w.plan.create.map((c) => c.nodeName)])).toEqual(
      whole.work.map((w) => [w.ds.metadata.name, w.plan.create.map((c) => c.nodeName)]),
    );
    expect(next.value.work.find((w) => w.ds.metadata.name === "agent")?.plan.create).toHaveLength(4);
  });
});
