import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KubeEvent, Node, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { daemonPod, node } from "../../control-plane/controller/test-builders.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { NodeLifecycle, type NodeLifecycleDeps } from "../../control-plane/nodes/node-lifecycle.js";
import { SliceScheduler } from "../../control-plane/slices.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { FakeClock } from "../helpers/fake-clock.js";

let clock: FakeClock;
let store: Store;
let events: EventRecorder;
let lifecycle: NodeLifecycle;

const newLifecycle = (more: Partial<NodeLifecycleDeps> = {}): NodeLifecycle =>
  new NodeLifecycle({
    store,
    clock,
    logger: silentLogger,
    events,
    gracePeriodMs: () => 40_000,
    startupGracePeriodMs: 60_000,
    ...more,
  });
const getNode = (name = "n1"): Node => store.get<Node>("nodes", undefined, name)!;
const ready = (name = "n1") => getNode(name).status?.conditions?.find((c) => c.type === "Ready");
const taintKeys = (name = "n1") =>
  (getNode(name).spec.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
const eventsOf = (reason: string): KubeEvent[] =>
  store.list<KubeEvent>("events", "default").filter((e) => e.reason === reason);
const podReady = (name: string) =>
  store.get<Pod>("pods", "default", name)?.status?.conditions?.find((c) => c.type === "Ready")?.status;
const tick = () => new Promise((r) => setImmediate(r));

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  store = openStore({ path: ":memory:", clock });
  events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
  store.create("nodes", node("n1"));
  store.create("pods", daemonPod("p1", "n1"));
  lifecycle = newLifecycle();
});
afterEach(() => {
  lifecycle.stop();
  store.close();
});

describe("NodeLifecycle", () => {
  it("turns a silent node Unknown after the grace period, taints it and marks its pods not ready", async () => {
    lifecycle.start();
    lifecycle.heartbeat("n1");
    await clock.advance(39_000);
    lifecycle.sweep();
    expect(ready()?.status).toBe("True");
    await clock.advance(2_000);
    lifecycle.sweep();
    expect(ready()).toMatchObject({
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
    });
    expect(taintKeys()).toEqual([
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/unreachable:NoSchedule",
    ]);
    expect(getNode().spec.taints?.every((t) => t.timeAdded === rfc3339(clock.now()))).toBe(true);
    expect(podReady("p1")).toBe("False");
    expect(eventsOf("NodeNotReady").map((e) => e.message)).toEqual(["Node n1 status is now: NodeNotReady"]);
    // The next sweep changes nothing more.
    const revision = store.revision();
    lifecycle.sweep();
    expect(store.revision()).toBe(revision);
  });

  it("asks for the grace period at each sweep: a paced fleet's longer one keeps the node Ready", async () => {
    lifecycle.stop();
    let grace = 40_000;
    lifecycle = newLifecycle({ gracePeriodMs: () => grace });
    lifecycle.start();
    lifecycle.heartbeat("n1");
    grace = 80_000; // the agents were told to heartbeat half as often
    await clock.advance(79_000);
    lifecycle.sweep();
    expect(ready()?.status).toBe("True");
    await clock.advance(2_000);
    lifecycle.sweep();
    expect(ready()?.status).toBe("Unknown");
  });

  it("the monitor timer sweeps by itself", async () => {
    lifecycle.start();
    lifecycle.heartbeat("n1");
    await clock.advance(46_000);
    expect(ready()?.status).toBe("Unknown");
  });

  it("the timer's sweep goes in slices, 128 nodes a step, and reaches every node", async () => {
    lifecycle.stop();
    for (let i = 2; i <= 300; i++) store.create("nodes", node(`n${i}`));
    // A scheduler whose every slice is out of time at once: each slice runs one step.
    const slices = new SliceScheduler(
      5,
      () => {},
      () => -1e9,
    );
    const add = slices.add.bind(slices);
    let sweepSlices = 0;
    vi.spyOn(slices, "add").mockImplementation((name, ms, work) =>
      add(name, ms, (deadline) => {
        sweepSlices++;
        return work(deadline);
      }),
    );
    lifecycle = newLifecycle({ monitorPeriodMs: 61_000, slices });
    lifecycle.start();
    await clock.advance(61_000);
    for (let i = 0; i < 5; i++) await tick();
    const unknown = store
      .list<Node>("nodes")
      .filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "Unknown"));
    expect(unknown).toHaveLength(300);
    // 300 nodes: two steps of 128 and one of 44, each in a slice of its own.
    expect(sweepSlices).toBe(3);
  });

  it("a heartbeat brings the node back Ready and removes the taints", async () => {
    lifecycle.start();
    await clock.advance(61_000);
    lifecycle.sweep();
    expect(ready()?.status).toBe("Unknown");
    lifecycle.heartbeat("n1");
    expect(ready()).toMatchObject({
      status: "True",
      reason: "KubeletReady",
      message: "kubelet is posting ready status",
    });
    expect(getNode().spec.taints ?? []).toEqual([]);
    expect(eventsOf("NodeReady").map((e) => e.message)).toEqual(["Node n1 status is now: NodeReady"]);
  });

  it("a connecting agent's node turns Ready in the session's own write, and the heartbeat after it writes nothing", async () => {
    lifecycle.start();
    await clock.advance(61_000);
    lifecycle.sweep();
    expect(ready()?.status).toBe("Unknown");
    const revision = store.revision();
    store.transaction((tx) => {
      const stored = tx.get<Node>("nodes", undefined, "n1")!;
      const next = lifecycle.connected(stored, tx);
      expect(next).toBeDefined();
      // A copy: the stored node is not touched until the session writes it.
      expect(stored.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("Unknown");
      tx.update("nodes", next!);
    });
    expect(ready()).toMatchObject({ status: "True", reason: "KubeletReady" });
    expect(getNode().spec.taints ?? []).toEqual([]);
    expect(eventsOf("NodeReady")).toHaveLength(1);
    // The node and its NodeReady event, in one commit.
    expect(store.revision()).toBe(revision + 2);
    lifecycle.heartbeat("n1");
    expect(store.revision()).toBe(revision + 2);
    // A node already Ready is left to the session's own write.
    store.transaction((tx) =>
      expect(lifecycle.connected(tx.get<Node>("nodes", undefined, "n1")!, tx)).toBeUndefined(),
    );
  });

  it("writes lastHeartbeatTime only every heartbeatWriteIntervalMs", async () => {
    lifecycle.start();
    lifecycle.heartbeat("n1"); // Ready=True from the builder without a heartbeat time: written
    const first = ready()?.lastHeartbeatTime;
    const revision = store.revision();
    await clock.advance(10_000);
    lifecycle.heartbeat("n1");
    expect(store.revision()).toBe(revision);
    await clock.advance(300_000);
    lifecycle.heartbeat("n1");
    expect(ready()?.lastHeartbeatTime).not.toBe(first);
    expect(ready()?.lastHeartbeatTime).toBe(rfc3339(clock.now()));
  });

  it("a node that never posted status gets the startup grace and its own message", async () => {
    store.create("nodes", { ...node("fresh"), status: {} });
    lifecycle.start();
    await clock.advance(50_000);
    lifecycle.sweep();
    expect(ready("fresh")).toBeUndefined();
    await clock.advance(11_000);
    lifecycle.sweep();
    expect(ready("fresh")).toMatchObject({ status: "Unknown", message: "Kubelet never posted node status." });
  });

  it("a control-plane restart gives every node a fresh grace period", async () => {
    lifecycle.start();
    lifecycle.heartbeat("n1");
    await clock.advance(30_000);
    lifecycle.stop();
    lifecycle = newLifecycle(); // a restart: nothing in memory
    lifecycle.start();
    await clock.advance(30_000);
    lifecycle.sweep();
    expect(ready()?.status).toBe("True");
    expect(eventsOf("RegisteredNode")).toEqual([]);
  });

  it("markNotReady turns the node NotReady at once with not-ready taints", () => {
    lifecycle.start();
    lifecycle.heartbeat("n1");
    lifecycle.markNotReady("n1", "AgentStopped", "the agent stopped");
    expect(ready()).toMatchObject({ status: "False", reason: "AgentStopped", message: "the agent stopped" });
    expect(taintKeys()).toEqual([
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/not-ready:NoSchedule",
    ]);
    expect(podReady("p1")).toBe("False");
    expect(eventsOf("NodeNotReady")).toHaveLength(1);
  });

  it("keeps the unschedulable taint in step with the cordon", async () => {
    lifecycle.start();
    const cordon = (on: boolean) => {
      const n = structuredClone(getNode());
      n.spec.unschedulable = on;
      store.update("nodes", n);
    };
    cordon(true);
    await tick();
    expect(taintKeys()).toEqual(["node.kubernetes.io/unschedulable:NoSchedule"]);
    cordon(false);
    await tick();
    expect(taintKeys()).toEqual([]);
  });

  it("records RegisteredNode once for a node created while running", async () => {
    lifecycle.start();
    await clock.advance(2_000);
    store.create("nodes", node("n2"));
    await tick();
    lifecycle.sweep();
    expect(eventsOf("RegisteredNode").map((e) => e.message)).toEqual([
      "Node n2 event: Registered Node n2 in Controller",
    ]);
  });

  it("heartbeats keep a node Ready forever", async () => {
    lifecycle.start();
    for (let i = 0; i < 20; i++) {
      lifecycle.heartbeat("n1");
      await clock.advance(10_000);
    }
    expect(ready()?.status).toBe("True");
    expect(getNode().spec.taints ?? []).toEqual([]);
  });
});
