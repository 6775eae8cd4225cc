import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { KubeEvent, Node, Pod, PodStatus } from "../../shared/api-types.js";
import { CLOSE_CODES } from "../../shared/protocol.js";
import type { FakeAgent, Harness } from "./harness.js";
import { hello, startHarness, UpgradeRefused } from "./harness.js";

function pod(name: string, nodeName: string, extra: Partial<Pod["metadata"]> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "web" }, ...extra },
    spec: { nodeName, containers: [{ name: "web", image: "everynode/web:test" }] },
  };
}

const runningStatus: PodStatus = {
  phase: "Running",
  containerStatuses: [
    {
      name: "web",
      state: { running: { startedAt: "2026-01-01T00:00:00Z" } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: "everynode/web:test",
      imageID: "sha256:1",
      containerID: "docker://abc",
    },
  ],
};

async function refusal(p: Promise<FakeAgent>): Promise<number | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UpgradeRefused) return e.status;
    throw e;
  }
  throw new Error("the upgrade was accepted");
}

describe("agent sockets", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  /** Registers, connects and says hello; returns the agent after its first assignments. */
  async function online(nodeName: string): Promise<{ agent: FakeAgent; token: string }> {
    const token = await h.register(nodeName);
    const agent = await h.connect(token);
    agent.send(hello(nodeName));
    await agent.next("welcome");
    return { agent, token };
  }

  it.each([
    ["no credential", () => undefined],
    ["an unknown credential", () => "abcdef.0123456789abcdef"],
    ["a join token", (h: Harness) => h.tokens.createJoinToken({}).bearer],
    ["the admin token", (h: Harness) => h.tokens.ensureAdminToken()],
  ])("refuses an upgrade with %s: 401", async (_what, tokenOf) => {
    expect(await refusal(h.connect(tokenOf(h)))).toBe(401);
  });

  it("drops upgrades on other paths", async () => {
    const token = await h.register("other-path");
    expect(await refusal(h.connect(token, "/api/v1/pods"))).toBeUndefined();
  });

  it("answers hello with welcome and the node's pods, and records the node's facts", async () => {
    h.store.transaction((tx) => {
      tx.create("pods", pod("mine-1", "hello-node"));
      tx.create("pods", pod("mine-2", "hello-node"));
      tx.create("pods", pod("going", "hello-node", { deletionTimestamp: "2026-01-01T00:00:00Z" }));
      tx.create("pods", pod("theirs", "elsewhere"));
    });
    const token = await h.register("hello-node");
    const agent = await h.connect(token);
    agent.send(hello("hello-node", "10.1.2.3"));
    const welcome = await agent.next("welcome");
    expect(welcome).toMatchObject({ nodeName: "hello-node", heartbeatIntervalSeconds: 10 });
    const set = await agent.next("assignments");
    expect(set.pods.map((p) => p.metadata.name).sort()).toEqual(["mine-1", "mine-2"]);
    expect(set.revision).toBeGreaterThan(0);
    const node = h.store.get<Node>("nodes", undefined, "hello-node");
    expect(node?.status?.addresses).toContainEqual({ type: "InternalIP", address: "10.1.2.3" });
    expect(node?.status?.nodeInfo?.kubeletVersion).toBe("v1.32.4");
    expect(node?.status?.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 0 } });
    expect(h.liveness.heartbeats).toContain("hello-node");
    // The hello's write is offered to the node lifecycle (to turn the node Ready in it).
    expect(h.liveness.connects).toEqual(["hello-node"]);
    // Scheduled events are written just after the sets go out.
    const scheduled = (): string[] =>
      h.store
        .list<KubeEvent>("events", "default")
        .filter((e) => e.reason === "Scheduled" && e.involvedObject.name === "mine-1")
        .map((e) => e.message ?? "");
    await vi.waitFor(
      () => expect(scheduled()).toEqual(["Successfully assigned default/mine-1 to hello-node"]),
      {
        timeout: 10_000,
      },
    );
  });

  it("does not write the node again when a reconnecting agent reports the same facts", async () => {
    const { token } = await online("same-facts");
    const rv = h.store.get<Node>("nodes", undefined, "same-facts")?.metadata.resourceVersion;
    const again = await h.connect(token);
    again.send(hello("same-facts"));
    await again.next("welcome");
    expect(h.store.get<Node>("nodes", undefined, "same-facts")?.metadata.resourceVersion).toBe(rv);
  });

  it("closes with 4001 a hello for another node", async () => {
    const token = await h.register("honest");
    const agent = await h.connect(token);
    agent.send(hello("someone-else"));
    expect((await agent.closed).code).toBe(CLOSE_CODES.unauthorized);
  });

  it("sends a new, higher revision when a pod is added, coalescing one transaction into one message", async () => {
    const { agent } = await online("busy");
    const first = await agent.next("assignments");
    expect(first.pods).toEqual([]);
    h.store.transaction((tx) => {
      for (let i = 0; i < 20; i++) tx.create("pods", pod(`burst-${i}`, "busy"));
    });
    const burst = await agent.next("assignments");
    expect(burst.pods).toHaveLength(20);
    expect(burst.revision).toBeGreaterThan(first.revision);
    // The next change yields the next message: nothing was sent between the two.
    h.store.create("pods", pod("one-more", "busy"));
    const after = await agent.next("assignments");
    expect(after.pods).toHaveLength(21);
    expect(after.revision).toBeGreaterThan(burst.revision);
  });

  it("stores and acks a status from the pod's node and drops one for another node's pod", async () => {
    const own = h.store.create("pods", pod("reported", "reporter"));
    const foreign = h.store.create("pods", pod("not-yours", "bystander"));
    const { agent } = await online("reporter");
    agent.send({
      v: 1,
      type: "podStatus",
      seq: 7,
      statuses: [
        { namespace: "default", name: "reported", uid: own.metadata.uid, status: runningStatus },
        { namespace: "default", name: "not-yours", uid: foreign.metadata.uid, status: runningStatus },
        { namespace: "default", name: "reported-gone", uid: "nope", status: runningStatus },
      ],
    });
    expect(await agent.next("ack")).toEqual({ v: 1, type: "ack", seq: 7 });
    expect(h.store.get<Pod>("pods", "default", "reported")?.status?.phase).toBe("Running");
    expect(h.store.get<Pod>("pods", "default", "not-yours")?.status).toBeUndefined();
    // The ack says the statuses are stored; their kubelet events follow in a turn of their own.
    await vi.waitFor(() => {
      const started = h.store
        .list<KubeEvent>("events", "default")
        .find((e) => e.reason === "Started" && e.involvedObject.name === "reported");
      expect(started).toMatchObject({
        message: "Started container web",
        source: { component: "kubelet", host: "reporter" },
      });
    });
  });

  it.each([
    ["not JSON", "{oops"],
    ["an unknown type", JSON.stringify({ v: 1, type: "takeOver" })],
    ["a wrong version", JSON.stringify({ v: 9, type: "heartbeat" })],
    [
      "a status without uid",
      JSON.stringify({ v: 1, type: "podStatus", seq: 1, statuses: [{ namespace: "default", name: "x" }] }),
    ],
  ])("closes with 4000 on %s and changes nothing", async (_what, raw) => {
    const { agent } = await online(`bad-${raw.length}`);
    await agent.next("assignments");
    const before = h.store.revision();
    agent.send(raw);
    expect((await agent.closed).code).toBe(CLOSE_CODES.protocolError);
    expect(h.store.revision()).toBe(before);
  });

  it("closes with 4000 a first message that is not hello", async () => {
    const token = await h.register("rude");
    const agent = await h.connect(token);
    agent.send({ v: 1, type: "heartbeat" });
    expect((await agent.closed).code).toBe(CLOSE_CODES.protocolError);
  });

  it("supersedes an older connection of the same node with 4002", async () => {
    const { agent: first, token } = await online("twice");
    const second = await h.connect(token);
    expect((await first.closed).code).toBe(CLOSE_CODES.superseded);
    second.send(hello("twice"));
    expect(await second.next("welcome")).toMatchObject({ nodeName: "twice" });
  });

  it("closes with 4003 when the node is deleted, and its credential stops working", async () => {
    const { agent, token } = await online("doomed");
    h.store.delete("nodes", undefined, "doomed");
    expect((await agent.closed).code).toBe(CLOSE_CODES.nodeDeleted);
    expect(h.tokens.authenticate(token)).toBeUndefined();
    expect(await refusal(h.connect(token))).toBe(401);
  });

  it("tells the node lifecycle at once when the agent says goodbye", async () => {
    const { agent } = await online("leaving");
    agent.send({ v: 1, type: "goodbye", reason: "shutting down" });
    agent.ws.close(1000);
    await agent.closed;
    await expect
      .poll(() => h.liveness.notReady.find((n) => n.nodeName === "leaving"))
      .toMatchObject({
        reason: "AgentStopped",
        message: expect.stringContaining("everynode agent stopped"),
      });
  });

  it("passes heartbeats to the node lifecycle, and a dropped socket without goodbye changes nothing", async () => {
    const { agent } = await online("beating");
    const count = (): number => h.liveness.heartbeats.filter((n) => n === "beating").length;
    const before = count();
    agent.send({ v: 1, type: "heartbeat" });
    await expect.poll(count).toBe(before + 1);
    agent.ws.terminate();
    await agent.closed;
    expect(h.liveness.notReady.find((n) => n.nodeName === "beating")).toBeUndefined();
  });
});
