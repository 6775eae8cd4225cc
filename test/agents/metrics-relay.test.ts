// The agents' metrics summaries over real WebSockets: the welcome asks for them, valid ones
// reach the relay, a malformed one closes the connection, and a closed session is forgotten.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_METRIC_BUCKETS, CLOSE_CODES, type MetricsMessage } from "../../shared/protocol.js";
import type { AgentMetricsSink } from "../../control-plane/agents/agent-sessions.js";
import { waitFor } from "../helpers/cluster.js";
import { hello, startHarness, type Harness } from "./harness.js";

class RecordingSink implements AgentMetricsSink {
  readonly accepted: { node: string; message: MetricsMessage }[] = [];
  readonly forgotten: string[] = [];
  accept(node: string, message: MetricsMessage): void {
    this.accepted.push({ node, message });
  }
  forget(node: string): void {
    this.forgotten.push(node);
  }
}

const summary = (): MetricsMessage => {
  const none = { counts: new Array<number>(AGENT_METRIC_BUCKETS.length + 1).fill(0), sum: 0 };
  return {
    v: 1,
    type: "metrics",
    containers: { running: 2, waiting: 0, terminated: 1 },
    restarts: 4,
    imagePulls: none,
    containerStarts: none,
    reconcileLag: none,
  };
};

describe("agent metrics summaries", () => {
  let h: Harness;
  const sink = new RecordingSink();
  beforeAll(async () => {
    h = await startHarness({ agentMetrics: { sink, intervalSeconds: 7 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("asks for them in the welcome, relays them, and forgets the node when its session ends", async () => {
    const agent = await h.connect(await h.register("m-1"));
    agent.send(hello("m-1"));
    expect(await agent.next("welcome")).toMatchObject({ metricsIntervalSeconds: 7 });
    agent.send(summary());
    await waitFor("the summary", () => sink.accepted.length === 1);
    expect(sink.accepted[0]).toEqual({ node: "m-1", message: summary() });
    agent.ws.close(1000, "done");
    await waitFor("the node to be forgotten", () => sink.forgotten.includes("m-1"));
  });

  it("closes the connection of an agent whose summary is malformed", async () => {
    const agent = await h.connect(await h.register("m-2"));
    agent.send(hello("m-2"));
    await agent.next("welcome");
    agent.send({ ...summary(), restarts: -5 });
    const closed = await agent.closed;
    expect(closed.code).toBe(CLOSE_CODES.protocolError);
    expect(closed.reason).toMatch(/metrics: restarts/);
    expect(sink.accepted.filter((a) => a.node === "m-2")).toEqual([]);
  });
});
