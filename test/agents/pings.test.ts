// Finding dead agent sockets over real TLS WebSockets: an agent that heartbeats is never
// pinged (its messages show it is there), a quiet one that answers pings stays, and a quiet
// one that does not answer is dropped by the next look.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeartbeatPace } from "../../control-plane/nodes/heartbeat-pace.js";
import { waitFor } from "../helpers/run.js";
import type { FakeAgent, Harness } from "./harness.js";
import { hello, startHarness } from "./harness.js";

/** Each socket is looked at every 300 ms (one round a tick below one second). */
const PING_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("agent socket pings", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ pingIntervalMs: PING_MS });
  });
  afterAll(async () => {
    await h.close();
  });

  async function online(nodeName: string, autoPong: boolean): Promise<FakeAgent> {
    const agent = await h.connect(await h.register(nodeName), undefined, { autoPong });
    agent.send(hello(nodeName));
    await agent.next("welcome");
    return agent;
  }

  it("never pings an agent that heartbeats, even one that would not answer", async () => {
    const agent = await online("pings-busy", false);
    const beat = setInterval(() => agent.send({ v: 1, type: "heartbeat" }), PING_MS / 3);
    try {
      await sleep(PING_MS * 8);
    } finally {
      clearInterval(beat);
    }
    expect(agent.pings).toBe(0);
    expect(agent.ws.readyState).toBe(agent.ws.OPEN);
    expect(h.liveness.heartbeats.filter((n) => n === "pings-busy").length).toBeGreaterThan(10);
    agent.ws.close();
  });

  it("pings a quiet agent and keeps it while it answers", async () => {
    const agent = await online("pings-quiet", true);
    await sleep(PING_MS * 8);
    expect(agent.pings).toBeGreaterThanOrEqual(2);
    expect(agent.ws.readyState).toBe(agent.ws.OPEN);
    agent.ws.close();
  });

  it("drops a quiet agent that does not answer its ping", async () => {
    const agent = await online("pings-dead", false);
    const sessions = h.agents.sessions();
    const closed = await Promise.race([agent.closed, sleep(PING_MS * 10).then(() => undefined)]);
    expect(closed, "the server kept a socket that answered no ping").toBeDefined();
    expect(closed?.code).toBe(1006); // terminated, no close frame
    expect(agent.pings).toBeGreaterThanOrEqual(1);
    // Its session ended on the server too.
    await waitFor("the session to end", () => h.agents.sessions() === sessions - 1, 5_000);
  });
});

describe("agent socket pings, agents told a heartbeat interval longer than a look", () => {
  let h: Harness;
  beforeAll(async () => {
    // Agents are told to heartbeat every second: a look every 300 ms lets them be silent 4 looks.
    const pace = new HeartbeatPace({ intervalSeconds: 1, maxPerSecond: 0, gracePeriodMs: 4_000 });
    h = await startHarness({ pingIntervalMs: PING_MS, pace });
  });
  afterAll(async () => {
    await h.close();
  });

  it("pings a quiet agent only once it has been silent for its interval", async () => {
    const agent = await h.connect(await h.register("pings-slow"), undefined, { autoPong: true });
    agent.send(hello("pings-slow"));
    expect((await agent.next("welcome")).heartbeatIntervalSeconds).toBe(1);
    const beat = setInterval(() => agent.send({ v: 1, type: "heartbeat" }), 900);
    try {
      await sleep(PING_MS * 10);
    } finally {
      clearInterval(beat);
    }
    expect(agent.pings, "pinged between heartbeats it was told to send every second").toBe(0);
    await waitFor("a ping once silent", () => agent.pings > 0, PING_MS * 12);
    expect(agent.ws.readyState).toBe(agent.ws.OPEN);
    agent.ws.close();
  });

  it("still drops a silent agent that does not answer", async () => {
    const agent = await h.connect(await h.register("pings-slow-dead"), undefined, { autoPong: false });
    agent.send(hello("pings-slow-dead"));
    await agent.next("welcome");
    const closed = await Promise.race([agent.closed, sleep(PING_MS * 14).then(() => undefined)]);
    expect(closed, "the server kept a socket that answered no ping").toBeDefined();
    expect(closed?.code).toBe(1006);
    expect(agent.pings).toBe(1);
  });
});
