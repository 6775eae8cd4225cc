// The heartbeat pace over real TLS WebSockets: past the fleet's cap of heartbeats per
// second, each newly connected agent is told a longer interval in its welcome, and agents
// already connected that take `pace` messages hear the new interval in answer to their next
// heartbeat, once; agents that did not announce `pace` are never sent one.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeartbeatPace } from "../../control-plane/nodes/heartbeat-pace.js";
import { waitFor } from "../helpers/run.js";
import type { FakeAgent, Harness } from "./harness.js";
import { hello, startHarness } from "./harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("heartbeat pace", () => {
  let h: Harness;
  // One heartbeat a second for the whole fleet, at least one second apart.
  const pace = new HeartbeatPace({ intervalSeconds: 1, maxPerSecond: 1, gracePeriodMs: 4_000 });
  beforeAll(async () => {
    h = await startHarness({ pace });
  });
  afterAll(async () => {
    await h.close();
  });

  async function online(nodeName: string, capabilities?: string[]): Promise<[FakeAgent, number]> {
    const agent = await h.connect(await h.register(nodeName));
    agent.send(hello(nodeName, "10.0.0.1", capabilities));
    return [agent, (await agent.next("welcome")).heartbeatIntervalSeconds];
  }

  /** Sends a heartbeat and waits until the server has handled it (and sent what it answers). */
  async function beat(agent: FakeAgent, nodeName: string): Promise<void> {
    const before = h.liveness.heartbeats.filter((n) => n === nodeName).length;
    agent.send({ v: 1, type: "heartbeat" });
    await waitFor(
      "the heartbeat",
      () => h.liveness.heartbeats.filter((n) => n === nodeName).length > before,
      5_000,
    );
    await sleep(200); // an answer, if any, has crossed loopback by then
  }

  it("lengthens the interval as agents connect, and tells each connected agent once", async () => {
    const [a, aInterval] = await online("pace-a", ["pace"]);
    const [b, bInterval] = await online("pace-b", ["pace"]);
    const [c, cInterval] = await online("pace-c");
    expect([aInterval, bInterval, cInterval]).toEqual([1, 2, 3]);

    await beat(a, "pace-a");
    expect((await a.next("pace")).heartbeatIntervalSeconds).toBe(3);
    await beat(a, "pace-a");
    expect(a.waiting("pace"), "told again what it was told").toBe(0);
    await beat(b, "pace-b");
    expect((await b.next("pace")).heartbeatIntervalSeconds).toBe(3);
    await beat(c, "pace-c");
    expect(c.waiting("pace"), "an agent that did not announce pace was sent one").toBe(0);
    // A node may now stay silent three times as long: as many heartbeats to miss as before.
    expect(pace.gracePeriodMs()).toBe(12_000);

    // The fleet shrinks: the remaining agent hears the shorter interval at its next heartbeat.
    b.ws.close();
    c.ws.close();
    await waitFor("two sessions to end", () => h.agents.sessions() === 1, 5_000);
    await beat(a, "pace-a");
    expect((await a.next("pace")).heartbeatIntervalSeconds).toBe(1);
    // The grace period stays long enough for an agent still on the longest interval told.
    expect(pace.gracePeriodMs()).toBe(12_000);
    a.ws.close();
  });
});
