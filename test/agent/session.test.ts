// The agent's session against a fake control plane (real HTTPS, real WebSocket, pinned CA),
// with an in-memory runtime and a fake clock: assignments, statuses, heartbeats and their
// pace, reconnects with back-off, bad messages, node deletion, logs and leaving.

import { promises as fs } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { flush } from "../helpers/fake-clock.js";
import type { FakeControlPlane } from "./helpers/fake-control-plane.js";
import { ofType, pod, sessionHarness } from "./helpers/session-harness.js";

const h = sessionHarness();
const { startAgent } = h;
let cp: FakeControlPlane;
beforeAll(() => {
  cp = h.cp;
});

describe("the session", () => {
  it("applies assignments, reports statuses (acked), ignores an older revision", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 5, pods: [pod("u1")] },
    ];
    const { agent, clock, runtime, lines } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    await agent.currentWorker!.settle();
    await clock.advance(200);
    await cp.until(() =>
      ofType(cp.last, "podStatus").some((m) => m.statuses.some((s) => s.status.phase === "Running")),
    );
    expect(lines.some((l) => l.includes("assignments revision 5 (1 pods)"))).toBe(true);

    cp.send(cp.last!, { v: 1, type: "assignments", revision: 3, pods: [] });
    await cp.until(() => lines.some((l) => l.includes("ignoring an older assignment set")));
    await agent.currentWorker!.settle();
    expect(runtime.ofNode("node-a").filter((c) => c.state === "running")).toHaveLength(1);
    expect(agent.currentWorker!.appliedRevision).toBe(5);

    await clock.advance(10_000);
    await cp.until(() => ofType(cp.last, "heartbeat").length >= 1);
    await agent.stop({ leave: false });
    // Stopping without leaving keeps the containers.
    expect(runtime.ofNode("node-a").filter((c) => c.state === "running")).toHaveLength(1);
  });

  it("announces pace and heartbeats at the interval a pace message gives", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 1, pods: [] },
    ];
    const { agent, clock, lines } = await startAgent();
    // The set follows the welcome: once it is taken, the heartbeat's timer runs.
    await cp.until(() => lines.some((l) => l.includes("assignments revision 1")));
    expect(ofType(cp.last, "hello")[0]!.capabilities).toContain("pace");
    const beats = () => ofType(cp.last, "heartbeat").length;
    await clock.advance(10_000);
    await cp.until(() => beats() === 1);

    cp.send(cp.last!, { v: 1, type: "pace", heartbeatIntervalSeconds: 30 });
    await cp.until(() => lines.some((l) => l.includes("heartbeat interval now 30s")));
    await clock.advance(20_000);
    await flush();
    expect(beats(), "a heartbeat at the old interval after the new one was given").toBe(1);
    await clock.advance(10_000);
    await cp.until(() => beats() === 2);
    await clock.advance(30_000);
    await cp.until(() => beats() === 3);
    await agent.stop({ leave: false });
  });

  it("reconnects with back-off after the server closes, then says hello with the applied revision", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 7, pods: [pod("u1")] },
    ];
    const { agent, clock, lines } = await startAgent();
    await cp.until(() => agent.currentWorker?.appliedRevision === 7);
    cp.last!.ws.close(1001, "restarting");
    await cp.until(() => clock.pendingSleeps > 0 && lines.some((l) => l.includes("reconnecting in 0.1s")));
    expect(lines.find((l) => l.includes("reconnecting in"))).toMatch(/server is shutting down/);
    expect(cp.conns).toHaveLength(1);
    await clock.advance(100);
    await cp.until(() => cp.conns.length === 2 && ofType(cp.last, "hello").length === 1);
    expect(ofType(cp.last, "hello")[0]!.appliedRevision).toBe(7);
    await agent.stop({ leave: false });
  });

  it("a malformed server message closes the socket with 4000 and changes nothing", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 2, pods: [pod("u1")] },
    ];
    const { agent, runtime, lines } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    const conn = cp.last!;
    cp.send(conn, JSON.stringify({ v: 1, type: "assignments", revision: 9, pods: "all of them" }));
    await cp.until(() => conn.closed !== undefined);
    expect(conn.closed!.code).toBe(4000);
    expect(lines.some((l) => l.includes("malformed message"))).toBe(true);
    await agent.currentWorker!.settle();
    expect(agent.currentWorker!.appliedRevision).toBe(2);
    expect(runtime.ofNode("node-a").filter((c) => c.state === "running")).toHaveLength(1);
    await agent.stop({ leave: false });
  });

  it("node deleted (4003): removes its containers and registers again", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 2, pods: [pod("u1")] },
    ];
    const { agent, runtime } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    cp.onHello = (_c, h) => [{ v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 }];
    cp.last!.ws.close(4003, "node deleted");
    await cp.until(() => runtime.ofNode("node-a").length === 0 && cp.registers.length === 2);
    await agent.stop({ leave: false });
  });

  it("streams logs for a logRequest and answers NotFound for an unknown container", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 2, pods: [pod("u1")] },
    ];
    const { agent, runtime } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    const base = {
      v: 1,
      type: "logRequest",
      namespace: "default",
      podName: "web-u1",
      podUid: "u1",
      follow: false,
      timestamps: false,
      previous: false,
    } as const;
    cp.send(cp.last!, { ...base, requestId: "r1", container: "web" });
    cp.send(cp.last!, { ...base, requestId: "r2", container: "nope" });
    await cp.until(() => ofType(cp.last, "logEnd").length === 2);
    const data = ofType(cp.last, "logData").filter((m) => m.requestId === "r1");
    expect(Buffer.from(data.map((d) => d.data).join(""), "base64").toString()).toMatch(/^log of fake/);
    const ends = ofType(cp.last, "logEnd");
    expect(ends.find((e) => e.requestId === "r1")?.error).toBeUndefined();
    expect(ends.find((e) => e.requestId === "r2")?.error?.code).toBe("NotFound");
    await agent.stop({ leave: false });
  });

  it("leave removes the node's containers, deletes the node and the credential", async () => {
    cp.onHello = (_c, h) => [
      { v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 },
      { v: 1, type: "assignments", revision: 2, pods: [pod("u1")] },
    ];
    const { agent, runtime, dataDir } = await startAgent();
    await cp.until(() => runtime.ofNode("node-a").some((c) => c.state === "running"));
    await agent.stop({ leave: true });
    await flush();
    expect(runtime.allOf("node-a")).toHaveLength(0);
    expect(cp.deletes).toContain("node-a");
    await expect(fs.stat(path.join(dataDir, "node-credential.json"))).rejects.toThrow();
  });
});
