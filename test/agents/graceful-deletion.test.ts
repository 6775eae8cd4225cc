// Graceful deletion at the agent endpoints, over real WebSockets: an agent that announces
// gracefulDeletion keeps a deleted pod in its set, with its deletionTimestamp, until it reports
// the pod gone; an agent that does not gets deleted pods removed at once, as before.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { AssignmentsMessage } from "../../shared/protocol.js";
import type { FakeAgent, Harness } from "./harness.js";
import { hello, startHarness } from "./harness.js";

function pod(name: string, nodeName: string, grace = 30): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "web" } },
    spec: {
      nodeName,
      terminationGracePeriodSeconds: grace,
      containers: [{ name: "web", image: "everynode/web:test" }],
    },
  };
}

describe("graceful deletion at the agent endpoints", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const credentials = new Map<string, string>();

  async function online(nodeName: string, capabilities?: string[]): Promise<FakeAgent> {
    const token = credentials.get(nodeName) ?? (await h.register(nodeName));
    credentials.set(nodeName, token);
    const agent = await h.connect(token);
    agent.send(hello(nodeName, "10.0.0.9", capabilities));
    await agent.next("welcome");
    return agent;
  }

  const names = (set: AssignmentsMessage): string[] => set.pods.map((p) => p.metadata.name ?? "").sort();
  const deletePod = (name: string, options = {}) =>
    h.store.transaction((tx) =>
      h.deleter.delete(tx, "pods", h.store.get("pods", "default", name) as Pod, options),
    );

  it("keeps a deleted pod in a capable agent's set with its deletion fields, and removes it when reported gone", async () => {
    const agent = await online("graceful-a", ["gracefulDeletion"]);
    const created = h.store.create<Pod>("pods", pod("web-a", "graceful-a", 12));
    await agent.setWhere((s) => names(s).includes("web-a"));
    expect(deletePod("web-a").removed).toBe(false);
    const set = await agent.setWhere((s) => s.pods.some((p) => p.metadata.deletionTimestamp));
    expect(set.pods.find((p) => p.metadata.name === "web-a")?.metadata).toMatchObject({
      deletionGracePeriodSeconds: 12,
    });
    agent.send({
      v: 1,
      type: "podStatus",
      seq: 1,
      statuses: [
        {
          namespace: "default",
          name: "web-a",
          uid: created.metadata.uid ?? "",
          status: { phase: "Succeeded" },
          gone: true,
        },
      ],
    });
    expect((await agent.next("ack")).seq).toBe(1);
    expect(h.store.get("pods", "default", "web-a")).toBeUndefined();
    expect(names(await agent.setWhere((s) => !names(s).includes("web-a")))).toEqual([]);
  });

  it("removes a deleted pod at once from an agent that did not announce the capability", async () => {
    const agent = await online("plain-a");
    h.store.create<Pod>("pods", pod("web-b", "plain-a"));
    await agent.setWhere((s) => names(s).includes("web-b"));
    expect(deletePod("web-b").removed).toBe(true);
    expect(names(await agent.setWhere((s) => !names(s).includes("web-b")))).toEqual([]);
  });

  it("ends the terminating pods of a node whose new agent cannot report them gone", async () => {
    const first = await online("downgraded", ["gracefulDeletion"]);
    h.store.create<Pod>("pods", pod("web-c", "downgraded"));
    await first.setWhere((s) => names(s).includes("web-c"));
    deletePod("web-c");
    expect(h.store.get<Pod>("pods", "default", "web-c")?.metadata.deletionTimestamp).toBeDefined();
    // The same node's agent comes back without the capability (an older version).
    const second = await online("downgraded");
    expect(names(await second.next("assignments"))).toEqual([]);
    expect(h.store.get("pods", "default", "web-c")).toBeUndefined();
  });

  it("refuses nothing and ends nothing for a gone report of a pod that is not being deleted", async () => {
    const agent = await online("confused", ["gracefulDeletion"]);
    const created = h.store.create<Pod>("pods", pod("web-d", "confused"));
    await agent.setWhere((s) => names(s).includes("web-d"));
    agent.send({
      v: 1,
      type: "podStatus",
      seq: 7,
      statuses: [
        {
          namespace: "default",
          name: "web-d",
          uid: created.metadata.uid ?? "",
          status: { phase: "Running" },
          gone: true,
        },
      ],
    });
    expect(await agent.next("ack")).toMatchObject({ seq: 7 });
    expect(h.store.get<Pod>("pods", "default", "web-d")?.status?.phase).toBe("Running");
  });
});
