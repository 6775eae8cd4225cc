// Events a node credential creates over HTTPS, as an attacker holding one would create them:
// validated like any object, only about the node itself and its pods, never able to break
// `kubectl get events`, and always expired, whatever time they claim.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeEvent } from "../../shared/api-types.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { call, seedPod, startApi, TOKENS, type ApiHarness } from "../api/harness.js";
import { selfSignedCertificate } from "../api/self-signed.js";

const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const nodeA = { token: TOKENS.nodeA };
const EVENTS = "/api/v1/namespaces/default/events";
const TTL = 3_600_000;

let n = 0;
/** A well-formed event by node-a about itself, changed by `extra`. */
function event(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `node-a.${++n}`, namespace: "default" },
    involvedObject: { kind: "Node", name: "node-a" },
    reason: "Starting",
    message: "agent started",
    type: "Normal",
    source: { component: "everynode-agent", host: "node-a" },
    ...extra,
  };
}

describe("events from nodes", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ tls: selfSignedCertificate() });
    seedPod(h.store, "mine", "node-a");
    seedPod(h.store, "theirs", "node-b");
  });
  afterAll(async () => {
    await h.close();
  });

  const eventTable = () => call(h, "GET", EVENTS, { accept: TABLE_ACCEPT });

  it("accepts a node's event about itself and about its own pod", async () => {
    expect((await call(h, "POST", EVENTS, { ...nodeA, body: event() })).status).toBe(201);
    const aboutPod = event({ involvedObject: { kind: "Pod", namespace: "default", name: "mine" } });
    const created = await call(h, "POST", EVENTS, { ...nodeA, body: aboutPod });
    expect(created.status, created.text).toBe(201);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a kind that is a number", { involvedObject: { kind: 5, name: "node-a" } }, "involvedObject.kind"],
    ["a lastTimestamp that is no date", { lastTimestamp: "not-a-date" }, "lastTimestamp"],
    ["a lastTimestamp in 2099", { lastTimestamp: "2099-01-01T00:00:00Z" }, "lastTimestamp"],
    ["a message of 3 KB", { message: "m".repeat(3000) }, "message"],
    ["a count that is a string", { count: "9" }, "count"],
    ["a type of its own", { type: "Critical" }, "type"],
    [
      "a 2 MB annotation",
      { metadata: { name: "big", namespace: "default", annotations: { a: "x".repeat(2_000_000) } } },
      "event",
    ],
  ])("refuses %s with a 422 naming the field, and stores nothing", async (_what, extra, field) => {
    const before = h.store.list("events").length;
    const r = await call(h, "POST", EVENTS, { ...nodeA, body: event(extra) });
    expect(r.status, r.text.slice(0, 500)).toBe(422);
    expect(r.json.details.causes.map((c: { field: string }) => c.field)).toContain(field);
    expect(h.store.list("events")).toHaveLength(before);
    expect((await eventTable()).status).toBe(200);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["another node", { involvedObject: { kind: "Node", name: "node-b" } }, /only about itself/],
    [
      "another node's pod",
      { involvedObject: { kind: "Pod", namespace: "default", name: "theirs" } },
      /pods bound to it/,
    ],
    [
      "a pod that does not exist",
      { involvedObject: { kind: "Pod", namespace: "default", name: "ghost" } },
      /pods bound to it/,
    ],
    ["a namespace", { involvedObject: { kind: "Namespace", name: "default" } }, /not about kind "Namespace"/],
    [
      "itself, in another host's name",
      { source: { component: "kubelet", host: "node-b" } },
      /source\.host must be/,
    ],
  ])("refuses a node's event about %s with a 403", async (_what, extra, why) => {
    const r = await call(h, "POST", EVENTS, { ...nodeA, body: event(extra) });
    expect(r.status, r.text).toBe(403);
    expect(r.json.message).toMatch(why);
  });

  it("lets the admin record events about anything, still validated", async () => {
    const admin = await call(h, "POST", EVENTS, {
      body: event({ involvedObject: { kind: "Pod", namespace: "default", name: "theirs" } }),
    });
    expect(admin.status, admin.text).toBe(201);
    const bad = await call(h, "POST", EVENTS, { body: event({ lastTimestamp: "not-a-date" }) });
    expect(bad.status).toBe(422);
  });

  it("lists events whose stored fields are odd, printing <unknown> in their cells", async () => {
    h.store.create("events", {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "legacy-odd", namespace: "default" },
      involvedObject: { kind: 5, name: "x" },
      lastTimestamp: "not-a-date",
      message: { not: "a string" },
    } as unknown as KubeEvent);
    const table = await eventTable();
    expect(table.status, table.text).toBe(200);
    const row = table.json.rows.find(
      (r: { object: { metadata: { name: string } } }) => r.object.metadata.name === "legacy-odd",
    );
    expect(row.cells[3]).toBe("<unknown>");
    expect(row.cells[6]).toBe("<unknown>");
  });

  it("expires events by when the server stored them, whatever time they claim", async () => {
    const recorder = new EventRecorder({ store: h.store, clock: h.clock, ttlMs: TTL });
    // As a node could store them before validation existed.
    for (const [name, lastTimestamp] of [
      ["claims-future", "9999-12-31T23:59:59Z"],
      ["claims-garbage", "not-a-date"],
    ]) {
      h.store.create("events", {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace: "default" },
        involvedObject: { kind: "Node", name: "node-a" },
        lastTimestamp,
      } as KubeEvent);
    }
    const names = () => h.store.list<KubeEvent>("events").map((e) => e.metadata.name);
    expect(names()).toEqual(expect.arrayContaining(["claims-future", "claims-garbage"]));
    await h.clock.advance(TTL + 60_000);
    recorder.gc();
    expect(names()).not.toContain("claims-future");
    expect(names()).not.toContain("claims-garbage");
    expect(names()).toEqual([]);
  });
});
