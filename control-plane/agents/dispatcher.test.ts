import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.js";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import type { Secret } from "../../shared/config-types.js";
import type { AssignmentsMessage, ServerMessage } from "../../shared/protocol.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { EventRecorder } from "../events/event-recorder.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { pod } from "../store/test-support.js";
import { Dispatcher } from "./dispatcher.js";
import { SessionRegistry, type AgentConnection } from "./session-registry.js";

describe("Dispatcher: dispatch latency", () => {
  let clock: FakeClock;
  let store: Store;
  let dispatcher: Dispatcher;
  let sent: ServerMessage[];
  let latencies: number[];

  beforeEach(() => {
    clock = new FakeClock(Date.UTC(2026, 5, 1));
    store = openStore({ path: ":memory:", clock });
    sent = [];
    latencies = [];
    dispatcher = new Dispatcher({
      store,
      clock,
      logger: silentLogger,
      registry: new SessionRegistry(),
      debounceMs: 50,
      onDispatch: (s) => latencies.push(s),
    });
    dispatcher.start();
    const connection: AgentConnection = {
      nodeName: "n1",
      credentialId: "c1",
      send: async (m) => {
        sent.push(m);
      },
      close: () => {},
    };
    dispatcher.nodeConnected(connection);
  });
  afterEach(() => {
    dispatcher.close();
    store.close();
  });

  it("measures from the first change of a node's pods to its set being sent", async () => {
    await clock.advance(0);
    expect(sent).toHaveLength(1);
    // The full set sent on connect follows no change: not a dispatch latency.
    expect(latencies).toEqual([]);
    store.create("pods", pod("a", { node: "n1" }));
    await clock.advance(20);
    store.create("pods", pod("b", { node: "n1" }));
    await clock.advance(30);
    expect(sent).toHaveLength(2);
    // Both changes went in one set, 50 ms after the first.
    expect(latencies).toEqual([0.05]);
    store.create("pods", pod("other", { node: "n2" }));
    await clock.advance(100);
    expect(latencies).toEqual([0.05]);
  });
});

describe("Dispatcher: ConfigMaps and Secrets", () => {
  let clock: FakeClock;
  let store: Store;
  let dispatcher: Dispatcher;
  const sent: Record<string, AssignmentsMessage[]> = {};

  const connect = (nodeName: string): void => {
    sent[nodeName] = [];
    dispatcher.nodeConnected({
      nodeName,
      credentialId: nodeName,
      send: async (m) => {
        if (m.type === "assignments") sent[nodeName]?.push(m);
      },
      close: () => {},
    });
  };
  const last = (nodeName: string): AssignmentsMessage | undefined => sent[nodeName]?.at(-1);
  const podWith = (name: string, node: string, secretName: string): Pod => {
    const p = pod(name, { node });
    p.spec.volumes = [
      { name: "conf", configMap: { name: "shared" } },
      { name: "creds", secret: { secretName } },
    ];
    return p;
  };

  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2026, 5, 1));
    store = openStore({ path: ":memory:", clock });
    dispatcher = new Dispatcher({
      store,
      clock,
      logger: silentLogger,
      registry: new SessionRegistry(),
      debounceMs: 50,
      // n1 and n2 take config objects; old has an agent that does not.
      capabilities: {
        gracefulDeletion: () => true,
        has: (node, c) => c === "configObjects" && node !== "old",
      },
    });
    dispatcher.start();
    store.create("configmaps", { metadata: { namespace: "default", name: "shared" }, data: { a: "1" } });
    store.create("secrets", {
      metadata: { namespace: "default", name: "s1" },
      type: "Opaque",
      data: { k: "MQ==" },
    });
    store.create("pods", podWith("p1", "n1", "s1"));
    store.create("pods", podWith("p2", "n2", "s2"));
    store.create("pods", podWith("p3", "old", "s1"));
    for (const n of ["n1", "n2", "old"]) connect(n);
    await clock.advance(0);
  });
  afterEach(() => {
    dispatcher.close();
    store.close();
  });

  it("sends each node the objects its pods name, and a Secret only to the nodes that use it", () => {
    expect(last("n1")?.config?.configMaps.map((o) => o.name)).toEqual(["shared"]);
    expect(last("n1")?.config?.secrets.map((o) => [o.name, o.data])).toEqual([["s1", { k: "MQ==" }]]);
    // s2 does not exist yet: n2 gets the ConfigMap and no Secret.
    expect(last("n2")?.config?.secrets).toEqual([]);
    expect(last("old")?.config).toBeUndefined();
  });

  it("sends a new set to the nodes that name a changed or created object, and to no other", async () => {
    const before = { n1: sent["n1"]?.length ?? 0, n2: sent["n2"]?.length ?? 0 };
    const s1 = store.get<Secret>("secrets", "default", "s1") as Secret;
    store.update("secrets", { ...s1, data: { k: "Mg==" } });
    await clock.advance(50);
    expect(sent["n1"]?.length).toBe(before.n1 + 1);
    expect(last("n1")?.config?.secrets[0]?.data).toEqual({ k: "Mg==" });
    expect(sent["n2"]?.length).toBe(before.n2);

    store.create("secrets", { metadata: { namespace: "default", name: "s2" }, data: { k: "Mw==" } });
    await clock.advance(50);
    expect(sent["n2"]?.length).toBe(before.n2 + 1);
    expect(last("n2")?.config?.secrets.map((o) => o.name)).toEqual(["s2"]);
    expect(sent["n1"]?.length).toBe(before.n1 + 1);
    expect(last("n1")?.revision).toBeLessThan(last("n2")?.revision ?? 0);
  });

  it("sends nothing when only an object's labels change", async () => {
    const before = sent["n1"]?.length ?? 0;
    const cm = store.get("configmaps", "default", "shared") as KubeObject;
    store.update("configmaps", { ...cm, metadata: { ...cm.metadata, labels: { x: "y" } } });
    await clock.advance(50);
    expect(sent["n1"]?.length).toBe(before);
  });
});

describe("Dispatcher: Scheduled events", () => {
  it("announces a pod once per connection and forgets a node whose agent disconnected", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const store = openStore({ path: ":memory:", clock });
    const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
    const dispatcher = new Dispatcher({
      store,
      clock,
      logger: silentLogger,
      registry: new SessionRegistry(),
      events,
      debounceMs: 50,
    });
    dispatcher.start();
    const connection: AgentConnection = {
      nodeName: "n1",
      credentialId: "c1",
      send: async () => {},
      close: () => {},
    };
    store.create("pods", pod("a", { node: "n1" }));
    dispatcher.nodeConnected(connection);
    await clock.advance(0);
    store.create("pods", pod("b", { node: "n1" }));
    await clock.advance(100);
    const scheduled = (): number =>
      store.list("events").filter((e) => (e as { reason?: string }).reason === "Scheduled").length;
    expect(scheduled()).toBe(2);
    expect(dispatcher.rememberedNodes).toBe(1);
    dispatcher.connectionClosed(connection);
    expect(dispatcher.rememberedNodes).toBe(0);
    dispatcher.close();
    store.close();
  });
});

describe("Dispatcher: slices", () => {
  it("counts the sends themselves in a slice: slow sockets do not hold the event loop", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const store = openStore({ path: ":memory:", clock });
    const dispatcher = new Dispatcher({
      store,
      clock,
      logger: silentLogger,
      registry: new SessionRegistry(),
    });
    dispatcher.start();
    const sentAt: number[] = [];
    let turn = 0;
    const nodes = 60;
    for (let i = 0; i < nodes; i++) {
      dispatcher.nodeConnected({
        nodeName: `n${i}`,
        credentialId: `c${i}`,
        // Encrypting and writing a set to a busy socket: 1 ms each, on the event loop.
        send: async () => {
          const until = performance.now() + 1;
          while (performance.now() < until);
          sentAt.push(turn);
        },
        close: () => {},
      });
    }
    await clock.advance(0);
    expect(sentAt).toHaveLength(nodes); // the sets sent on connect
    sentAt.length = 0;
    for (let i = 0; i < nodes; i++) store.create("pods", pod(`p${i}`, { node: `n${i}` }));
    // Counts the event loop's turns while the sets go out.
    let counting = true;
    const tick = (): void => {
      turn++;
      if (counting) setImmediate(tick);
    };
    tick();
    await clock.advance(50);
    for (let guard = 0; sentAt.length < nodes && guard < 1000; guard++)
      await new Promise((r) => setImmediate(r));
    counting = false;
    expect(sentAt).toHaveLength(nodes);
    // 60 sends of 1 ms in slices of ~10 ms: several turns, none holding much more than a slice.
    const perTurn = new Map<number, number>();
    for (const t of sentAt) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(perTurn.size).toBeGreaterThanOrEqual(4);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(16);
    dispatcher.close();
    store.close();
  });
});
