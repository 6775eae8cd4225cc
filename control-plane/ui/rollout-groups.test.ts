import { describe, expect, it } from "vitest";
import type { DaemonSet } from "../../shared/api-types.js";
import { daemonPod, daemonSet } from "../controller/test-builders.js";
import { rolloutGroups } from "./rollout-groups.js";

function rollingOut(): DaemonSet {
  const ds = daemonSet();
  ds.status = {
    currentNumberScheduled: 4,
    numberMisscheduled: 0,
    desiredNumberScheduled: 4,
    numberReady: 3,
    rollout: {
      updateRevision: 3,
      updateHash: "h3",
      stableRevision: 2,
      stableHash: "h2",
      updatedNodes: 2,
      oldNodes: 2,
      heldBackNodes: 0,
      updatedAvailableNodes: 1,
    },
  };
  return ds;
}

describe("rolloutGroups", () => {
  it("groups the pods by revision: new, then stable, then older; counts ready and terminating", () => {
    const pods = [
      daemonPod("a", "node-b", { hash: "h3", generation: 3 }),
      daemonPod("b", "node-a", { hash: "h3", generation: 3, ready: false }),
      daemonPod("c", "node-c", { hash: "h1", generation: 1, terminating: true }),
      daemonPod("d", "node-d", { hash: "h2", generation: 2 }),
    ];
    expect(rolloutGroups(rollingOut(), pods)).toEqual([
      {
        hash: "h3",
        revision: "3",
        role: "new",
        pods: 2,
        ready: 1,
        terminating: 0,
        nodes: ["node-a", "node-b"],
        more: 0,
      },
      {
        hash: "h2",
        revision: "2",
        role: "stable",
        pods: 1,
        ready: 1,
        terminating: 0,
        nodes: ["node-d"],
        more: 0,
      },
      {
        hash: "h1",
        revision: "1",
        role: "old",
        pods: 1,
        ready: 0,
        terminating: 1,
        nodes: ["node-c"],
        more: 0,
      },
    ]);
  });

  it("names only the first nodes of a large group and says how many more", () => {
    const pods = Array.from({ length: 25 }, (_, i) =>
      daemonPod(`p${i}`, `node-${String(i).padStart(2, "0")}`, { hash: "h3", generation: 3 }),
    );
    const [group] = rolloutGroups(rollingOut(), pods, 3);
    expect(group).toMatchObject({ pods: 25, nodes: ["node-00", "node-01", "node-02"], more: 22 });
  });
});
