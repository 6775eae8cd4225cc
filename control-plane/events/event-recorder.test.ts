import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { SliceScheduler } from "../slices.js";
import type { KubeEvent } from "../../shared/api-types.js";
import { openStore } from "../store/index.js";
import { fakeClock } from "../store/test-support.js";
import { isExpired } from "./event-expiry.js";
import { EventRecorder } from "./event-recorder.js";

function setup() {
  const clock = fakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
  const store = openStore({ path: ":memory:", clock });
  const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
  return { clock, store, events };
}

const node = { kind: "Node", name: "worker-1", uid: "u-1", apiVersion: "v1" };
const container = (name: string) => ({
  kind: "Pod",
  namespace: "default",
  name: "nginx-abcde",
  uid: "p-1",
  fieldPath: `spec.containers{${name}}`,
});

describe("EventRecorder", () => {
  it("records a node's event in the default namespace, as Kubernetes does", () => {
    const { store, events } = setup();
    events.record(node, "Normal", "NodeReady", "Node worker-1 status is now: NodeReady", {
      component: "node-controller",
    });
    const [e] = store.list<KubeEvent>("events", "default");
    expect(e).toMatchObject({
      involvedObject: node,
      reason: "NodeReady",
      type: "Normal",
      count: 1,
      source: { component: "node-controller" },
      firstTimestamp: "2026-12-01T12:00:00Z",
    });
  });

  it("folds a repeat into one event with a growing count and a later lastTimestamp", async () => {
    const { clock, store, events } = setup();
    const say = () =>
      events.record(node, "Warning", "BackOff", "Back-off restarting", {
        component: "kubelet",
        host: "worker-1",
      });
    say();
    await clock.advance(30_000);
    say();
    const all = store.list<KubeEvent>("events");
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      count: 2,
      firstTimestamp: "2026-12-01T12:00:00Z",
      lastTimestamp: "2026-12-01T12:00:30Z",
    });
  });

  it("keeps events of different containers, hosts or messages apart", () => {
    const { store, events } = setup();
    events.record(container("a"), "Normal", "Pulled", "image present", {
      component: "kubelet",
      host: "worker-1",
    });
    events.record(container("b"), "Normal", "Pulled", "image present", {
      component: "kubelet",
      host: "worker-1",
    });
    events.record(container("a"), "Normal", "Pulled", "image present", {
      component: "kubelet",
      host: "worker-2",
    });
    events.record(container("a"), "Normal", "Pulled", "other message", {
      component: "kubelet",
      host: "worker-1",
    });
    expect(store.list("events")).toHaveLength(4);
  });

  it("starts a new event once the fold window has passed", async () => {
    const { clock, store, events } = setup();
    events.record(node, "Normal", "NodeReady", "ready", { component: "node-controller" });
    await clock.advance(11 * 60_000);
    events.record(node, "Normal", "NodeReady", "ready", { component: "node-controller" });
    expect(store.list("events")).toHaveLength(2);
  });

  it("writes in the caller's transaction when given one", () => {
    const { store, events } = setup();
    expect(() =>
      store.transaction((tx) => {
        events.record(node, "Normal", "NodeReady", "ready", { component: "node-controller" }, tx);
        throw new Error("the pass failed");
      }),
    ).toThrow("the pass failed");
    expect(store.list("events")).toHaveLength(0);
  });

  it("removes events older than the TTL and keeps newer ones", async () => {
    const { clock, store, events } = setup();
    events.record(node, "Normal", "Old", "old", { component: "c" });
    await clock.advance(50 * 60_000);
    events.record(node, "Normal", "New", "new", { component: "c" });
    await clock.advance(20 * 60_000);
    expect(events.gc()).toBe(1);
    expect(store.list<KubeEvent>("events").map((e) => e.reason)).toEqual(["New"]);
  });

  it("expires an event that claims a far-future or unreadable time, by when the server stored it", async () => {
    const { clock, store, events } = setup();
    const stored = (name: string, lastTimestamp: string): void => {
      store.create("events", {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace: "default" },
        involvedObject: { kind: "Node", name: "worker-1" },
        lastTimestamp,
      });
    };
    stored("future", "9999-12-31T23:59:59Z");
    stored("garbage", "not-a-date");
    await clock.advance(30 * 60_000);
    expect(events.gc()).toBe(0);
    await clock.advance(31 * 60_000);
    expect(events.gc()).toBe(2);
    expect(store.list("events")).toEqual([]);
  });

  it("reads the events again only once one of them can have expired", async () => {
    const { clock, store, events } = setup();
    events.record(node, "Normal", "First", "first", { component: "c" });
    expect(events.gc()).toBe(0);
    const scans = vi.spyOn(store, "scan");
    await clock.advance(30 * 60_000);
    events.record(node, "Normal", "Second", "second", { component: "c" });
    expect(events.gc()).toBe(0);
    await clock.advance(29 * 60_000);
    expect(events.gc()).toBe(0);
    expect(scans).not.toHaveBeenCalled();
    // Past an hour after the first was stored: it goes, the second stays.
    await clock.advance(2 * 60_000);
    expect(events.gc()).toBe(1);
    expect(scans).toHaveBeenCalledTimes(1);
    expect(store.list<KubeEvent>("events").map((e) => e.reason)).toEqual(["Second"]);
    store.close();
  });

  it("still expires an event in time whose client moved its last time back", async () => {
    const { clock, store, events } = setup();
    events.record(node, "Normal", "Seen", "seen", { component: "c" });
    const claim = (lastTimestamp: string | undefined): void => {
      const [e] = store.list<KubeEvent>("events");
      store.update("events", { ...e, lastTimestamp } as KubeEvent);
    };
    await clock.advance(50 * 60_000);
    claim(new Date(clock.now()).toISOString()); // seen again, says its client
    await clock.advance(5 * 60_000);
    expect(events.gc()).toBe(0);
    // Its client takes that back: the event was last seen when it was stored.
    claim(store.list<KubeEvent>("events")[0]?.firstTimestamp);
    await clock.advance(6 * 60_000);
    expect(events.gc()).toBe(1);
    store.close();
  });

  it("leaves no expired event and no more than the cap after any collection, whatever came between", async () => {
    const MINUTE = 60_000;
    const op = fc.oneof(
      { arbitrary: fc.record({ advance: fc.integer({ min: 0, max: 40 }) }), weight: 3 },
      { arbitrary: fc.record({ record: fc.integer({ min: 0, max: 5 }) }), weight: 2 },
      {
        arbitrary: fc.record({
          claim: fc.integer({ min: 0, max: 20 }),
          minutes: fc.integer({ min: -90, max: 5 }),
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ drop: fc.integer({ min: 0, max: 20 }) }), weight: 1 },
      { arbitrary: fc.constant({ gc: true }), weight: 3 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 30, maxLength: 80 }), async (ops) => {
        const clock = fakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
        const store = openStore({ path: ":memory:", clock });
        const ttlMs = 60 * MINUTE;
        const events = new EventRecorder({ store, clock, ttlMs, maxEvents: 6 });
        const nth = (i: number): KubeEvent | undefined => {
          const all = store.list<KubeEvent>("events");
          return all[i % Math.max(1, all.length)];
        };
        try {
          for (const o of ops) {
            if ("advance" in o) await clock.advance(o.advance * MINUTE);
            else if ("record" in o)
              events.record(node, "Normal", `R${o.record}`, `m${o.record}`, { component: "c" });
            else if ("claim" in o) {
              // A client's update may claim any time, earlier ones included.
              const e = nth(o.claim);
              if (e)
                store.update("events", {
                  ...e,
                  lastTimestamp: new Date(clock.now() + o.minutes * MINUTE).toISOString(),
                } as KubeEvent);
            } else if ("drop" in o) {
              const e = nth(o.drop);
              if (e) store.delete("events", e.metadata.namespace, e.metadata.name ?? "");
            } else {
              events.gc();
              const left = store.list<KubeEvent>("events");
              expect(left.length).toBeLessThanOrEqual(6);
              expect(left.filter((e) => isExpired(e, clock.now(), ttlMs))).toEqual([]);
            }
          }
        } finally {
          store.close();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("cuts a message to Kubernetes' 1 KiB, as the API refuses longer ones", () => {
    const { store, events } = setup();
    events.record(node, "Warning", "Unhealthy", "x".repeat(5000), { component: "kubelet" });
    const [e] = store.list<KubeEvent>("events");
    expect(Buffer.byteLength(e?.message ?? "")).toBe(1024);
    expect(e?.message?.endsWith("...")).toBe(true);
  });
});

describe("EventRecorder: similar events", () => {
  it("keeps 25 similar events apart, then combines the rest into one with a count", () => {
    const { store, events } = setup();
    const ds = { kind: "DaemonSet", namespace: "default", name: "web", uid: "d-1", apiVersion: "apps/v1" };
    for (let i = 0; i < 40; i++) {
      events.record(ds, "Normal", "SuccessfulCreate", `Created pod: web-${i}`, {
        component: "daemonset-controller",
      });
    }
    const all = store.list<KubeEvent>("events");
    expect(all).toHaveLength(26);
    const combined = all.filter((e) => e.message?.startsWith("(combined from similar events): "));
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({
      count: 15,
      message: "(combined from similar events): Created pod: web-39",
    });
    expect(all.reduce((n, e) => n + (e.count ?? 0), 0)).toBe(40);
    expect(new Set(all.map((e) => e.metadata.name)).size).toBe(26);
  });

  it("recordAll leaves the events record() would, but writes a combined event once per batch", () => {
    const ds = { kind: "DaemonSet", namespace: "default", name: "web", uid: "d-1", apiVersion: "apps/v1" };
    const source = { component: "daemonset-controller" };
    const messages = Array.from({ length: 300 }, (_, i) => `Created pod: web-${i}`);
    const shape = (all: KubeEvent[]) =>
      all
        .map((e) => ({ message: e.message, count: e.count, last: e.lastTimestamp }))
        .sort((a, b) => (a.message ?? "").localeCompare(b.message ?? ""));

    const one = setup();
    for (const m of messages) one.events.record(ds, "Normal", "SuccessfulCreate", m, source);
    const batched = setup();
    let writes = 0;
    batched.store.watch("events", undefined, () => writes++);
    // Two batches, as the controller writes them: the second folds into the first's event.
    for (const part of [messages.slice(0, 100), messages.slice(100)])
      batched.store.transaction((tx) =>
        batched.events.recordAll(ds, "Normal", "SuccessfulCreate", part, source, tx),
      );

    expect(shape(batched.store.list<KubeEvent>("events"))).toEqual(
      shape(one.store.list<KubeEvent>("events")),
    );
    // 25 events apart, the combined one made in the first batch (1) and counted up once per batch (2).
    expect(writes).toBe(25 + 1 + 2);
    const combined = batched.store.list<KubeEvent>("events").find((e) => e.message?.startsWith("(combined"));
    expect(combined).toMatchObject({
      count: 275,
      message: "(combined from similar events): Created pod: web-299",
    });
  });

  it("does not combine events of different objects", () => {
    const { store, events } = setup();
    for (let i = 0; i < 40; i++) {
      const pod = { kind: "Pod", namespace: "default", name: `web-${i}`, uid: `p-${i}` };
      events.record(pod, "Normal", "Scheduled", `Successfully assigned default/web-${i} to n${i}`, {
        component: "default-scheduler",
      });
    }
    expect(store.list<KubeEvent>("events")).toHaveLength(40);
  });
});

describe("EventRecorder: bounded", () => {
  it("keeps at most maxEvents, the oldest going first", async () => {
    const clock = fakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
    const store = openStore({ path: ":memory:", clock });
    const events = new EventRecorder({ store, clock, ttlMs: 3_600_000, maxEvents: 3 });
    for (let i = 0; i < 5; i++) {
      const pod = { kind: "Pod", namespace: "default", name: `web-${i}`, uid: `p-${i}` };
      events.record(pod, "Normal", "Scheduled", `assigned web-${i}`, { component: "default-scheduler" });
      await clock.advance(1_000);
    }
    expect(events.gc()).toBe(2);
    const left = store.list<KubeEvent>("events").map((e) => e.involvedObject.name);
    expect(left.sort()).toEqual(["web-2", "web-3", "web-4"]);
    store.close();
  });

  it("remembers what to fold into for the events it keeps only, however many it records", async () => {
    const clock = fakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
    const store = openStore({ path: ":memory:", clock });
    const events = new EventRecorder({ store, clock, ttlMs: 3_600_000, maxEvents: 100 });
    const pod = (i: number) => ({ kind: "Pod", namespace: "default", name: `web-${i}`, uid: `p-${i}` });
    const pulled = (i: number) =>
      events.record(pod(i), "Normal", "Pulled", "Container image already present", { component: "kubelet" });
    // Three rollouts' worth of pods within the fold window.
    for (let i = 0; i < 1_000; i++) pulled(i);
    expect(events.memory.folded).toBeLessThanOrEqual(200);
    expect(events.memory.similar).toBeLessThanOrEqual(200);
    // A recent event still folds its repeat.
    await clock.advance(1_000);
    pulled(999);
    const recent = store.list<KubeEvent>("events").filter((e) => e.involvedObject.name === "web-999");
    expect(recent.map((e) => e.count)).toEqual([2]);
    store.close();
  });

  it("in steps, yields between them and removes what one gc() would: the expired, then the oldest beyond the cap", async () => {
    const clock = fakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
    const store = openStore({ path: ":memory:", clock });
    const events = new EventRecorder({ store, clock, ttlMs: 3_600_000, maxEvents: 2_000 });
    const record = (i: number): void => {
      const pod = { kind: "Pod", namespace: "default", name: `web-${i}`, uid: `p-${i}` };
      events.record(pod, "Normal", "Scheduled", `assigned web-${i}`, { component: "default-scheduler" });
    };
    for (let i = 0; i < 1_000; i++) record(i); // these expire
    await clock.advance(3_000_000);
    for (let i = 1_000; i < 4_000; i++) {
      record(i);
      if (i % 500 === 0) await clock.advance(1_000);
    }
    await clock.advance(700_000);
    let removed: number | undefined;
    const finished = new Promise<void>((resolve) =>
      events.gcInSteps(new SliceScheduler(0, () => {}), 0, (n) => {
        removed = n;
        resolve();
      }),
    );
    // Nothing runs before the scheduler's turn, and a zero budget takes one bite per turn.
    expect(removed).toBeUndefined();
    await finished;
    expect(removed).toBe(2_000);
    const left = store.list<KubeEvent>("events").map((e) => Number(e.involvedObject.name?.slice(4)));
    expect(left).toHaveLength(2_000);
    expect(Math.min(...left)).toBe(2_000);
    store.close();
  });
});
