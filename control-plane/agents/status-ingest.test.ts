import { describe, expect, it } from "vitest";
import type { KubeEvent, Pod, PodStatus } from "../../shared/api-types.js";
import { createLogger } from "../../shared/logger.js";
import type { PodStatusMessage, RefusedStatus } from "../../shared/protocol.js";
import { Deleter } from "../deletion/deleter.js";
import { EventRecorder } from "../events/event-recorder.js";
import { openStore } from "../store/index.js";
import { fakeClock } from "../store/test-support.js";
import { MAX_HOLD_MS, StatusIngest } from "./status-ingest.js";

function setup(holdWhile?: () => boolean, maxEvents?: number, holdEventsWhile?: () => boolean) {
  const clock = fakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
  const store = openStore({ path: ":memory:", clock });
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", write: (l) => lines.push(l) });
  const events = new EventRecorder({ store, clock, ttlMs: 3_600_000, ...(maxEvents ? { maxEvents } : {}) });
  const deleter = new Deleter({ store, clock, events, agents: { gracefulDeletion: () => true } });
  const ingest = new StatusIngest({
    store,
    clock,
    logger,
    events,
    deleter,
    ...(holdWhile ? { holdWhile } : {}),
    ...(holdEventsWhile ? { holdEventsWhile } : {}),
  });
  const pod = (name: string, finalizers?: string[]): Pod =>
    store.create<Pod>("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default", ...(finalizers ? { finalizers } : {}) },
      spec: { nodeName: "node-a", containers: [{ name: "web", image: "nginx" }] },
    });
  const terminate = (p: Pod): Pod => store.transaction((tx) => deleter.delete(tx, "pods", p)).object as Pod;
  return { store, ingest, lines, pod, terminate, clock };
}

const message = (statuses: PodStatusMessage["statuses"]): PodStatusMessage => ({
  v: 1,
  type: "podStatus",
  seq: 1,
  statuses,
});

describe("StatusIngest", () => {
  it("writes the valid statuses of a message, skips the invalid ones and names them in the ack", () => {
    const { store, ingest, pod, lines } = setup();
    const good = pod("good");
    const bad = pod("bad");
    const acks: RefusedStatus[][] = [];
    ingest.accept(
      "node-a",
      message([
        { namespace: "default", name: "good", uid: good.metadata.uid ?? "", status: { phase: "Running" } },
        {
          namespace: "default",
          name: "bad",
          uid: bad.metadata.uid ?? "",
          status: { phase: "Running", startTime: "not-a-date" } as PodStatus,
        },
      ]),
      (refused) => acks.push(refused),
    );
    ingest.flush();
    expect(store.get<Pod>("pods", "default", "good")?.status?.phase).toBe("Running");
    expect(store.get<Pod>("pods", "default", "bad")?.status).toBeUndefined();
    expect(acks).toEqual([
      [
        {
          namespace: "default",
          name: "bad",
          uid: bad.metadata.uid,
          reason: 'status.startTime: Invalid value: "not-a-date": must be an RFC 3339 timestamp',
        },
      ],
    ]);
    ingest.close();
    expect(lines.filter((l) => l.includes("WARN"))).toEqual([
      expect.stringMatching(
        /1 invalid pod statuses from node node-a, e\.g\. default\/bad \(status\.startTime/,
      ),
    ]);
  });

  it("folds the warnings about statuses for pods the node does not run into one line", () => {
    const { ingest, lines } = setup();
    const acks: RefusedStatus[][] = [];
    const statuses = Array.from({ length: 250 }, (_, i) => ({
      namespace: "default",
      name: `ghost-${i}`,
      uid: `u-${i}`,
      status: { phase: "Running" as const },
    }));
    for (let i = 0; i < 4; i++) ingest.accept("node-a", message(statuses), (r) => acks.push(r));
    ingest.close();
    expect(acks).toEqual([[], [], [], []]);
    const warnings = lines.filter((l) => l.includes("WARN"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /1000 status reports for pods the node does not run from node node-a, e\.g\. default\/ghost-0 \(no such pod\)/,
    );
  });

  it("ends a terminating pod's deletion when its node reports it gone, after its last status", () => {
    const { store, ingest, pod, terminate } = setup();
    const p = terminate(pod("leaving"));
    const seen: string[] = [];
    const stop = store.onChange((es) =>
      seen.push(...es.map((e) => `${e.type} ${(e.object as Pod).status?.phase ?? "-"}`)),
    );
    ingest.accept(
      "node-a",
      message([
        {
          namespace: "default",
          name: "leaving",
          uid: p.metadata.uid ?? "",
          status: { phase: "Succeeded" },
          gone: true,
        },
      ]),
      () => {},
    );
    ingest.flush();
    stop();
    expect(store.get("pods", "default", "leaving")).toBeUndefined();
    expect(seen).toEqual(["MODIFIED Succeeded", "DELETED Succeeded"]);
  });

  it("keeps a gone pod that a finalizer holds, with grace period 0", () => {
    const { store, ingest, pod, terminate } = setup();
    const p = terminate(pod("held", ["example.com/keep"]));
    ingest.accept(
      "node-a",
      message([
        {
          namespace: "default",
          name: "held",
          uid: p.metadata.uid ?? "",
          status: { phase: "Running" },
          gone: true,
        },
      ]),
      () => {},
    );
    ingest.flush();
    expect(store.get<Pod>("pods", "default", "held")?.metadata.deletionGracePeriodSeconds).toBe(0);
  });

  it("does not delete a pod that is not being deleted, whatever the report says, and logs it", () => {
    const { store, ingest, pod, lines } = setup();
    const p = pod("staying");
    const gone = {
      namespace: "default",
      name: "staying",
      uid: p.metadata.uid ?? "",
      status: { phase: "Running" as const },
      gone: true as const,
    };
    ingest.accept("node-a", message([gone]), () => {});
    ingest.close();
    expect(store.get<Pod>("pods", "default", "staying")?.status?.phase).toBe("Running");
    expect(lines.some((l) => l.includes("gone reports for pods not being deleted"))).toBe(true);
  });

  it("keeps a gone report when a later report of the same pod arrives before the flush", () => {
    const { store, ingest, pod, terminate } = setup();
    const p = terminate(pod("twice"));
    const uid = p.metadata.uid ?? "";
    ingest.accept(
      "node-a",
      message([{ namespace: "default", name: "twice", uid, status: { phase: "Running" }, gone: true }]),
      () => {},
    );
    ingest.accept(
      "node-a",
      message([{ namespace: "default", name: "twice", uid, status: { phase: "Running" } }]),
      () => {},
    );
    ingest.flush();
    expect(store.get("pods", "default", "twice")).toBeUndefined();
  });
});

describe("StatusIngest while assignments go out", () => {
  const running = (p: Pod) =>
    message([
      {
        namespace: "default",
        name: p.metadata.name ?? "",
        uid: p.metadata.uid ?? "",
        status: { phase: "Running" },
      },
    ]);

  it("waits to write statuses until the assignments are out, then writes and acks them", async () => {
    let busy = true;
    const { store, ingest, pod, clock } = setup(() => busy);
    const p = pod("web-1");
    const acks: RefusedStatus[][] = [];
    ingest.accept("node-a", running(p), (r) => acks.push(r));
    await clock.advance(500);
    expect(store.get<Pod>("pods", "default", "web-1")?.status).toBeUndefined();
    expect(acks).toEqual([]);
    busy = false;
    await clock.advance(20);
    expect(store.get<Pod>("pods", "default", "web-1")?.status?.phase).toBe("Running");
    expect(acks).toEqual([[]]);
    ingest.close();
  });

  it("says statuses wait from when it takes them in until they are written (the controller's plans wait for that)", async () => {
    let busy = true;
    const { ingest, pod, clock } = setup(() => busy);
    const p = pod("web-1");
    expect(ingest.statusesWaiting).toBe(false);
    ingest.accept("node-a", running(p), () => {});
    expect(ingest.statusesWaiting).toBe(true);
    await clock.advance(500);
    expect(ingest.statusesWaiting).toBe(true);
    busy = false;
    await clock.advance(20);
    expect(ingest.statusesWaiting).toBe(false);
    ingest.close();
  });

  it("waits no longer than MAX_HOLD_MS", async () => {
    const { store, ingest, pod, clock } = setup(() => true);
    const p = pod("web-1");
    ingest.accept("node-a", running(p), () => {});
    await clock.advance(MAX_HOLD_MS - 100);
    expect(store.get<Pod>("pods", "default", "web-1")?.status).toBeUndefined();
    await clock.advance(200);
    expect(store.get<Pod>("pods", "default", "web-1")?.status?.phase).toBe("Running");
    ingest.close();
  });

  /** A status whose container started: Pulled, Created and Started. */
  const started = (p: Pod): PodStatusMessage =>
    message([
      {
        namespace: "default",
        name: p.metadata.name ?? "",
        uid: p.metadata.uid ?? "",
        status: {
          phase: "Running",
          containerStatuses: [
            {
              name: "web",
              image: "nginx",
              imageID: "sha256:1",
              ready: true,
              restartCount: 0,
              lastState: {},
              state: { running: { startedAt: "2026-12-01T12:00:00Z" } },
            },
          ],
        },
      },
    ]);

  it("writes the statuses waiting before their events, then the events, timed when their status was", async () => {
    const { store, ingest, pod, clock } = setup();
    const pods = ["web-1", "web-2", "web-3"].map((n) => pod(n));
    const commits: string[][] = [];
    store.onChange((changes) => commits.push([...new Set(changes.map((c) => c.resource))]));
    const refused: RefusedStatus[][] = [];
    for (const p of pods) ingest.accept("node-a", started(p), (r) => refused.push(r));
    const writtenAt = clock.now() + 100;
    await clock.advance(100);
    await clock.advance(1000);
    expect(refused).toEqual([[], [], []]);
    // Statuses first, in commits of their own; the events after, none with a status.
    expect(commits[0]).toEqual(["pods"]);
    expect(commits.slice(1).flat()).toEqual(commits.slice(1).map(() => "events"));
    const events = store.list<KubeEvent>("events");
    expect(events.map((e) => e.reason).sort()).toEqual(
      ["Pulled", "Created", "Started"].flatMap((r) => [r, r, r]).sort(),
    );
    for (const e of events) {
      expect(e.source).toEqual({ component: "kubelet", host: "node-a" });
      expect(Date.parse(e.firstTimestamp ?? "")).toBe(Math.floor(writtenAt / 1000) * 1000);
    }
    expect(ingest.eventsWaiting).toBe(0);
    ingest.close();
  });

  it("sends the acks and writes the kubelet events once no pass runs, or after MAX_HOLD_MS at most", async () => {
    let planning = true;
    const { store, ingest, pod, clock } = setup(undefined, undefined, () => planning);
    const [a, b] = [pod("web-1"), pod("web-2")];
    const acked: string[] = [];
    ingest.accept("node-a", started(a), () => acked.push("web-1"));
    await clock.advance(100);
    // The status is written (the plan will count it); its ack and events wait for the plan.
    expect(store.get<Pod>("pods", "default", "web-1")?.status?.phase).toBe("Running");
    await clock.advance(500);
    expect(acked).toEqual([]);
    expect(ingest.acksWaiting).toBe(1);
    expect(store.list<KubeEvent>("events")).toEqual([]);
    expect(ingest.eventsWaiting).toBe(3);
    planning = false;
    await clock.advance(20);
    expect(acked).toEqual(["web-1"]);
    expect(store.list<KubeEvent>("events").map((e) => e.reason)).toEqual(["Pulled", "Created", "Started"]);

    // Passes that never end hold them back no longer than MAX_HOLD_MS.
    planning = true;
    ingest.accept("node-a", started(b), () => acked.push("web-2"));
    await clock.advance(100);
    await clock.advance(MAX_HOLD_MS - 200);
    expect(acked).toEqual(["web-1"]);
    expect(store.list<KubeEvent>("events")).toHaveLength(3);
    for (let i = 0; i < 10; i++) await clock.advance(20);
    expect(acked).toEqual(["web-1", "web-2"]);
    expect(store.list<KubeEvent>("events")).toHaveLength(6);
    ingest.close();
  });

  it("keeps at most as many events waiting as the store keeps, the newest, and says how many went", () => {
    const MAX = 60;
    const { store, ingest, pod, lines } = setup(undefined, MAX);
    const count = MAX / 3 + 10;
    const pods = Array.from({ length: count }, (_, i) => pod(`web-${i}`));
    for (const p of pods) ingest.accept("node-a", started(p), () => {});
    // Statuses only: the events wait for a turn of their own.
    (ingest as unknown as { writeUntil(d: number): void }).writeUntil(Infinity);
    expect(store.list<Pod>("pods").every((p) => p.status?.phase === "Running")).toBe(true);
    expect(ingest.eventsWaiting).toBe(MAX);
    ingest.flush();
    const events = store.list<KubeEvent>("events");
    // The last pod's events are among those kept; the first pod's were dropped.
    const about = new Set(events.map((e) => e.involvedObject.name));
    expect(about.has(`web-${count - 1}`)).toBe(true);
    expect(about.has("web-0")).toBe(false);
    expect(
      lines.some((l) => l.includes("pod events not written") && l.includes(`dropped=${3 * count - MAX}`)),
    ).toBe(true);
    ingest.close();
  });
});
