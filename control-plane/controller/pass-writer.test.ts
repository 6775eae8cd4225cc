import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DaemonSet, KubeEvent, Pod } from "../../shared/api-types.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { Deleter } from "../deletion/deleter.js";
import { EventRecorder } from "../events/event-recorder.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { planPass } from "./daemonset-pass.js";
import { PassWriter } from "./pass-writer.js";
import { FailedPodBackoff } from "./failed-pod-backoff.js";
import { daemonPod, daemonSet, node } from "./test-builders.js";

const NODES = 40;
let store: Store;
let clock: FakeClock;
let events: EventRecorder;
let backoff: FailedPodBackoff;
let uid: string;

function writer(): PassWriter {
  const deleter = new Deleter({ store, clock, events });
  return new PassWriter(store, events, planPass(store, clock.now(), backoff), backoff, clock.now(), deleter);
}

/** Pods of the DaemonSet per node. */
function podsPerNode(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of store.listPodsOwnedBy(uid)) {
    const n = p.spec.nodeName ?? "";
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 0, 2));
  store = openStore({ path: ":memory:", clock });
  events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
  backoff = new FailedPodBackoff(clock);
  for (let i = 0; i < NODES; i++) store.create("nodes", node(`n${i}`));
  const { uid: _uid, ...metadata } = daemonSet().metadata;
  const ds = store.create("daemonsets", { ...daemonSet(), metadata });
  uid = ds.metadata.uid as string;
});
afterEach(() => store.close());

describe("PassWriter: a pass written in slices", () => {
  it("writes a slice per call, each committed before the next, until the pass is done", () => {
    const w = writer();
    expect(w.writeSlice(0)).toBe(false);
    const afterFirst = store.listPodsOwnedBy(uid).length;
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(NODES);
    while (!w.writeSlice(0));
    expect(podsPerNode().size).toBe(NODES);
    expect([...podsPerNode().values()].every((n) => n === 1)).toBe(true);
    expect(w.counts).toMatchObject({ created: NODES, skipped: 0, statuses: 1 });
  });

  it("records every created pod's SuccessfulCreate after the pods, the combined event written once per batch", () => {
    const order: string[] = [];
    let eventWrites = 0;
    store.watch("pods", undefined, () => order.push("pod"));
    store.watch("events", undefined, () => {
      order.push("event");
      eventWrites++;
    });
    const w = writer();
    while (!w.writeSlice(0));
    const created = store.list<KubeEvent>("events").filter((e) => e.reason === "SuccessfulCreate");
    // One event per pod, 25 apart and the rest counted in the combined one.
    expect(created.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(NODES);
    expect(created).toHaveLength(26);
    expect(order.lastIndexOf("pod")).toBeLessThan(order.indexOf("event"));
    // 40 pods fit one batch: 25 events, the combined one made, then counted up once.
    expect(eventWrites).toBe(27);
  });

  it("never gives a node a second pod of the DaemonSet when one appeared between slices", () => {
    const w = writer();
    w.writeSlice(0);
    const covered = new Set(store.listPodsOwnedBy(uid).map((p) => p.spec.nodeName));
    const later = [...Array(NODES).keys()].map((i) => `n${i}`).find((n) => !covered.has(n)) ?? "";
    // Another writer (a controller before a restart, say) put a pod of the DaemonSet there.
    const intruder = daemonPod("web-intruder", later, { ownerUid: uid });
    store.create<Pod>("pods", intruder);
    while (!w.writeSlice(0));
    expect(podsPerNode().get(later)).toBe(1);
    expect([...podsPerNode().values()].every((n) => n === 1)).toBe(true);
    expect(w.counts.skipped).toBe(1);
  });

  it("leaves the rest to the next pass when the DaemonSet changed between slices", () => {
    const w = writer();
    w.writeSlice(0);
    const written = store.listPodsOwnedBy(uid).length;
    const ds = store.get<DaemonSet>("daemonsets", "default", "web") as DaemonSet;
    const next = structuredClone(ds) as DaemonSet;
    next.metadata.generation = 2;
    next.spec.template.spec.containers[0] = { name: "web", image: "everynode/web:v2" };
    store.update("daemonsets", next);
    while (!w.writeSlice(0));
    expect(store.listPodsOwnedBy(uid)).toHaveLength(written);
    expect(w.counts.skipped).toBe(NODES - written);
  });
});
