// What a node credential can send over its WebSocket, as an attacker holding one would send
// it: each message is refused before it touches the store, one node cannot break listings
// for everyone, and floods are cut off without flooding the server's log.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Node, Pod, PodStatus } from "../../shared/api-types.js";
import { CLOSE_CODES } from "../../shared/protocol.js";
import type { FakeAgent } from "../agents/harness.js";
import { hello } from "../agents/harness.js";
import { startControlPlane, TABLE_ACCEPT, type ControlPlane } from "./control-plane.js";

function pod(name: string, nodeName: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName, containers: [{ name: "web", image: "everynode/web:test" }] },
  };
}

const running: PodStatus = {
  phase: "Running",
  startTime: "2026-01-01T00:00:00Z",
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

/** A hello for `nodeName`, changed by `mutate` (which gets it as plain JSON). */
function helloWith(nodeName: string, mutate: (m: any) => void): Record<string, unknown> {
  const m = structuredClone(hello(nodeName)) as any;
  mutate(m);
  return m;
}

describe("what agents send over their WebSocket", () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane({ statusWarningIntervalMs: 500 });
  });
  afterAll(async () => {
    await cp.close();
  });

  /** Registers and connects a node; with `greet`, says a good hello and waits for welcome. */
  async function online(nodeName: string, greet = true): Promise<{ agent: FakeAgent; token: string }> {
    const token = await cp.register(nodeName);
    const agent = await cp.connect(token);
    if (greet) {
      agent.send(hello(nodeName));
      await agent.next("welcome");
    }
    return { agent, token };
  }

  const nodeTable = () => cp.request("GET", "/api/v1/nodes", { accept: TABLE_ACCEPT });

  it("refuses a hello with a null address, and `kubectl get nodes` keeps working for everyone", async () => {
    await online("bystander");
    const { agent, token } = await online("evil", false);
    const before = cp.store.get<Node>("nodes", undefined, "evil");
    agent.send(helloWith("evil", (m) => (m.node.addresses = [null])));
    const closed = await agent.closed;
    expect(closed.code).toBe(CLOSE_CODES.protocolError);
    expect(closed.reason).toMatch(/^protocol error: hello: node\.addresses\[0\]: .*must be an object/);
    expect(cp.store.get<Node>("nodes", undefined, "evil")).toEqual(before);

    const table = await nodeTable();
    expect(table.status, table.text).toBe(200);
    expect(table.json.rows.map((r: any) => r.cells[0])).toEqual(
      expect.arrayContaining(["bystander", "evil"]),
    );

    // A clean hello from the same node is welcome again.
    const again = await cp.connect(token);
    again.send(hello("evil"));
    expect(await again.next("welcome")).toMatchObject({ nodeName: "evil" });
  });

  it.each<[string, (m: any) => void, RegExp]>([
    ["a capacity that is an object", (m) => (m.node.capacity.cpu = { many: true }), /node\.capacity\[cpu\]/],
    [
      "an address of an unknown type",
      (m) => (m.node.addresses[0].type = "Anything"),
      /node\.addresses\[0\]\.type/,
    ],
    [
      "a kernel version of 10 KiB",
      (m) => (m.node.nodeInfo.kernelVersion = "k".repeat(10_240)),
      /kernelVersion: Too long/,
    ],
    [
      "a nodeInfo field of its own",
      (m) => (m.node.nodeInfo.payload = "x"),
      /node\.nodeInfo\.payload: unknown field/,
    ],
    [
      "an OS image of 100 KiB",
      (m) => (m.node.nodeInfo.osImage = "o".repeat(100 * 1024)),
      /larger than 65536/,
    ],
    ["a revision that is a string", (m) => (m.appliedRevision = "7"), /appliedRevision/],
  ])("refuses a hello with %s and stores nothing of it", async (_what, mutate, why) => {
    const name = `hello-${Math.random().toString(36).slice(2, 8)}`;
    const { agent } = await online(name, false);
    const before = cp.store.get<Node>("nodes", undefined, name);
    agent.send(helloWith(name, mutate));
    const closed = await agent.closed;
    expect(closed.code).toBe(CLOSE_CODES.protocolError);
    expect(closed.reason).toMatch(why);
    expect(cp.store.get<Node>("nodes", undefined, name)).toEqual(before);
  });

  it("a node written with a null address before validation existed still lists", async () => {
    const stored = cp.store.get<Node>("nodes", undefined, "bystander") as Node;
    const odd = structuredClone(stored) as any;
    odd.metadata.name = "legacy-odd";
    delete odd.metadata.uid;
    delete odd.metadata.resourceVersion;
    odd.status.addresses = [null, { type: "InternalIP", address: 10 }];
    cp.store.create("nodes", odd);
    const table = await nodeTable();
    expect(table.status, table.text).toBe(200);
    const row = table.json.rows.find((r: any) => r.cells[0] === "legacy-odd");
    expect(row.cells[5]).toBe("<unknown>");
  });

  it("stores the valid statuses of a batch, refuses the invalid ones in the ack, and writes none of them", async () => {
    const { agent } = await online("reporter");
    const uid = (name: string) => cp.store.create<Pod>("pods", pod(name, "reporter")).metadata.uid ?? "";
    const statuses = [
      { namespace: "default", name: "good", uid: uid("good"), status: running },
      {
        namespace: "default",
        name: "bad-phase",
        uid: uid("bad-phase"),
        status: { ...running, phase: "Exploded" },
      },
      {
        namespace: "default",
        name: "bad-time",
        uid: uid("bad-time"),
        status: { ...running, startTime: "not-a-date" },
      },
      {
        namespace: "default",
        name: "bad-cond",
        uid: uid("bad-cond"),
        status: { ...running, conditions: [null] },
      },
    ];
    agent.send({ v: 1, type: "podStatus", seq: 11, statuses });
    const ack = await agent.next("ack");
    expect(ack.seq).toBe(11);
    expect(ack.refused?.map((r) => [r.name, r.reason])).toEqual([
      ["bad-phase", expect.stringMatching(/^status\.phase: Unsupported value: "Exploded"/)],
      ["bad-time", expect.stringMatching(/^status\.startTime: .*RFC 3339/)],
      ["bad-cond", expect.stringMatching(/^status\.conditions\[0\]: .*must be an object/)],
    ]);
    expect(cp.store.get<Pod>("pods", "default", "good")?.status?.phase).toBe("Running");
    for (const bad of ["bad-phase", "bad-time", "bad-cond"]) {
      expect(cp.store.get<Pod>("pods", "default", bad)?.status).toBeUndefined();
    }
    const pods = await cp.request("GET", "/api/v1/pods", { accept: TABLE_ACCEPT });
    expect(pods.status, pods.text).toBe(200);
  });

  it("drops a 9 MB podStatus of 150,000 made-up pods unread, with one log line", async () => {
    const { agent } = await online("flooder");
    const revision = cp.store.revision();
    const linesBefore = cp.lines.length;
    const statuses = Array.from({ length: 150_000 }, (_, i) => ({
      namespace: "default",
      name: `ghost-${i}`,
      uid: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
      status: { phase: "Running" },
    }));
    const raw = JSON.stringify({ v: 1, type: "podStatus", seq: 1, statuses });
    expect(raw.length).toBeGreaterThan(9_000_000);
    agent.send(raw);
    expect((await agent.closed).code).toBe(CLOSE_CODES.messageTooBig);
    expect(cp.store.revision()).toBe(revision);
    // Other tests' summaries may land meanwhile: only this node's lines count.
    const logged = cp.lines.slice(linesBefore).filter((l) => l.includes("flooder"));
    expect(logged.length).toBeLessThanOrEqual(2);
    expect(logged[0]).toMatch(/WARN .*node=flooder .*Max payload size exceeded/);
    expect(logged.join("\n").length).toBeLessThan(2000);
  });

  it("refuses a podStatus with more entries than allowed, naming the limit", async () => {
    const { agent } = await online("counter");
    const statuses = Array.from({ length: 2000 }, (_, i) => ({
      namespace: "default",
      name: `ghost-${i}`,
      uid: `u-${i}`,
      status: { phase: "Running" },
    }));
    agent.send({ v: 1, type: "podStatus", seq: 1, statuses });
    const closed = await agent.closed;
    expect(closed.code).toBe(CLOSE_CODES.protocolError);
    expect(closed.reason).toMatch(/statuses: Too many: 2000: must have at most 250 items/);
  });

  it("sums up statuses for pods the node does not run in a few lines, not one per entry", async () => {
    const { agent } = await online("wanderer");
    const linesBefore = cp.lines.length;
    for (let m = 1; m <= 20; m++) {
      const statuses = Array.from({ length: 250 }, (_, i) => ({
        namespace: "default",
        name: `ghost-${m}-${i}`,
        uid: `u-${m}-${i}`,
        status: { phase: "Running" },
      }));
      agent.send({ v: 1, type: "podStatus", seq: m, statuses });
    }
    for (let m = 1; m <= 20; m++) expect((await agent.next("ack")).seq).toBe(m);
    const summed = (): number =>
      cp.lines
        .slice(linesBefore)
        .map((l) => /WARN {2}(\d+) status reports for pods the node does not run from node wanderer/.exec(l))
        .reduce((n, m) => n + (m ? Number(m[1]) : 0), 0);
    await expect.poll(summed, { timeout: 5000 }).toBe(5000);
    const about = cp.lines.slice(linesBefore).filter((l) => l.includes("wanderer"));
    expect(about.length).toBeLessThanOrEqual(5);
    expect(about[0]).toMatch(/e\.g\. default\/ghost-1-0 \(no such pod\)/);
  });

  it("closes a connection that sends faster than its rate, and lets the node back in", async () => {
    const { agent, token } = await online("chatty");
    for (let i = 0; i < 3000; i++) agent.send({ v: 1, type: "heartbeat" });
    const closed = await agent.closed;
    expect(closed).toEqual({
      code: CLOSE_CODES.tooManyMessages,
      reason: "too many messages: more than 200 messages per second",
    });
    const again = await cp.connect(token);
    again.send(hello("chatty"));
    expect(await again.next("welcome")).toMatchObject({ nodeName: "chatty" });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "a heartbeat carrying a payload",
      { v: 1, type: "heartbeat", payload: "x".repeat(100) },
      /heartbeat\.payload: unknown field/,
    ],
    [
      "log data that is not base64",
      { v: 1, type: "logData", requestId: "r1", data: "<script>" },
      /data: .*base64/,
    ],
    [
      "a log error with a code of its own",
      { v: 1, type: "logEnd", requestId: "r1", error: { code: "Pwned", message: "" } },
      /error\.code: Unsupported value: "Pwned"/,
    ],
    ["a goodbye of 3 KiB", { v: 1, type: "goodbye", reason: "r".repeat(3000) }, /reason: Too long/],
  ])("closes on %s, with the reason", async (_what, message, why) => {
    const { agent } = await online(`odd-${Math.random().toString(36).slice(2, 8)}`);
    agent.send(message);
    const closed = await agent.closed;
    expect(closed.code).toBe(CLOSE_CODES.protocolError);
    expect(closed.reason).toMatch(why);
  });
});
