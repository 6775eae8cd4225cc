// The agent's metrics summaries against a fake control plane (real HTTPS, real WebSocket),
// with an in-memory runtime and a fake clock: sent every interval the welcome asks for, and
// never to a server whose welcome does not ask (it would not know the message).

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../agent/agent.js";
import type { Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import type { AgentMessage, MetricsMessage } from "../../shared/protocol.js";
import { FakeClock } from "../helpers/fake-clock.js";
import { FakeControlPlane, makePki, type AgentConn } from "./helpers/fake-control-plane.js";
import { FakeRuntime } from "./helpers/fake-runtime.js";

const pki = makePki();
let cp: FakeControlPlane;
const dirs: string[] = [];

const pod = (uid: string): Pod => ({
  metadata: { name: `web-${uid}`, namespace: "default", uid },
  spec: { nodeName: "node-m", containers: [{ name: "web", image: "everynode/web:test" }] },
});

const summaries = (c: AgentConn | undefined): MetricsMessage[] =>
  (c?.received ?? []).filter((m: AgentMessage): m is MetricsMessage => m.type === "metrics");

async function startAgent(): Promise<{ agent: Agent; clock: FakeClock; runtime: FakeRuntime }> {
  const clock = new FakeClock(Date.now());
  const runtime = new FakeRuntime(clock);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-agent-metrics-"));
  dirs.push(dataDir);
  const agent = new Agent(
    { server: cp.url, joinToken: cp.joinToken(), nodeName: "node-m", dataDir, nodeIP: "127.0.0.1" },
    { runtime, clock, logger: silentLogger, random: () => 0 },
  );
  await agent.start();
  return { agent, clock, runtime };
}

beforeAll(async () => {
  cp = new FakeControlPlane(pki);
  await cp.start();
});
afterAll(async () => {
  await cp.stop();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe("agent metrics summaries", () => {
  it("are sent every interval the welcome asks for, with the containers, starts and reconcile lag", async () => {
    cp.onHello = (_c, h) => [
      {
        v: 1,
        type: "welcome",
        nodeName: h.nodeName,
        heartbeatIntervalSeconds: 10,
        metricsIntervalSeconds: 5,
      },
      { v: 1, type: "assignments", revision: 3, pods: [pod("u1")] },
    ];
    const { agent, clock, runtime } = await startAgent();
    try {
      await cp.until(() => runtime.ofNode("node-m").some((c) => c.state === "running"));
      await agent.currentWorker!.settle();
      await clock.advance(5_000);
      await cp.until(() => summaries(cp.last).some((s) => s.containers.running === 1));
      const [first] = summaries(cp.last).filter((s) => s.containers.running === 1);
      expect(first).toMatchObject({ containers: { running: 1, waiting: 0, terminated: 0 }, restarts: 0 });
      // The pod's sandbox and its one container.
      expect(first!.containerStarts.counts.reduce((a, c) => a + c, 0)).toBe(2);
      expect(first!.reconcileLag.counts.reduce((a, c) => a + c, 0)).toBe(1);
      // The next one carries only what happened since.
      await clock.advance(5_000);
      await cp.until(() => summaries(cp.last).length >= 2);
      expect(summaries(cp.last)[1]!.containerStarts.counts.every((c) => c === 0)).toBe(true);
    } finally {
      await agent.stop({ leave: false });
    }
  });

  it("are never sent to a server whose welcome does not ask for them", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 3, pods: [pod("u2")] },
    ];
    const { agent, clock } = await startAgent();
    try {
      await clock.advance(60_000);
      await cp.until(() => (cp.last?.received ?? []).filter((m) => m.type === "heartbeat").length >= 5);
      expect(summaries(cp.last)).toEqual([]);
    } finally {
      await agent.stop({ leave: false });
    }
  });
});
