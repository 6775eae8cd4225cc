// The planner's first phases on their own; planner.test.ts covers the whole plan.

import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { podsByTargetNode } from "./plan-pods.js";
import { runSteps, STEP_ITEMS } from "./plan-types.js";
import { nodesToRun, planDaemonSetSteps, podsToCreate } from "./planner.js";
import { daemonPod, daemonSet, node } from "./test-builders.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describe("nodesToRun", () => {
  it("names the matching nodes, sorted, and the unreachable ones", () => {
    const down = node("a-down", { labels: { role: "edge" } });
    down.status = { conditions: [{ type: "Ready", status: "Unknown" }] };
    const nodes = [node("z", { labels: { role: "edge" } }), node("m"), down];
    const run = runSteps(nodesToRun({ ds: daemonSet({ nodeSelector: { role: "edge" } }), nodes, now: NOW }));
    expect(run.desired).toEqual(["a-down", "z"]);
    expect([...run.unreachable]).toEqual(["a-down"]);
    expect(run.decisions.get("m")?.shouldRun).toBe(false);
    expect(run.nodeLabels.size).toBe(0);
  });
});

describe("podsByTargetNode", () => {
  it("groups pods by node and deletes those of no node or of a node that is gone", () => {
    const unbound: Pod = { ...daemonPod("free", "n1"), spec: { containers: [] } };
    const placed = runSteps(
      podsByTargetNode([daemonPod("a", "n1"), daemonPod("b", "gone"), unbound], {
        decisions: runSteps(nodesToRun({ ds: daemonSet(), nodes: [node("n1")], now: NOW })).decisions,
      }),
    );
    expect([...placed.byNode].map(([n, pods]) => [n, pods.map((p) => p.metadata.name)])).toEqual([
      ["n1", ["a"]],
    ]);
    expect(placed.deletes.map((d) => `${d.pod.metadata.name}:${d.reason}`)).toEqual([
      "b:NodeGone",
      "free:NoTargetNode",
    ]);
  });
});

describe("podsToCreate", () => {
  const rollout = {
    creates: ["n1"],
    live: new Map([["n3", [daemonPod("c", "n3")]]]),
    paused: false,
    targets: new Set(["n1", "n2"]),
  };

  it("creates the rollout's pods, then one on each empty node: stable where the rollout may not move", () => {
    const creates = runSteps(
      podsToCreate(
        { hash: "new", stable: { hash: "old", revision: 1 } },
        { desired: ["n1", "n2", "n3", "n4", "n5"] },
        new Set(["n5"]),
        rollout,
      ),
    );
    expect(creates).toEqual([{ nodeName: "n1" }, { nodeName: "n2" }, { nodeName: "n4", stable: true }]);
  });

  it("a paused rollout fills empty nodes with the stable revision", () => {
    const creates = runSteps(
      podsToCreate({ hash: "new", stable: { hash: "old", revision: 1 } }, { desired: ["n2"] }, new Set(), {
        ...rollout,
        creates: [],
        paused: true,
      }),
    );
    expect(creates).toEqual([{ nodeName: "n2", stable: true }]);
  });
});

describe("planDaemonSetSteps", () => {
  it("yields within every walk over the nodes and pods, not only between phases", () => {
    const nodes = Array.from({ length: 10 * STEP_ITEMS }, (_, i) => node(`n${i}`));
    const pods = nodes.map((n, i) => daemonPod(`p${i}`, n.metadata.name ?? "", { hash: "old" }));
    const ds = daemonSet(
      {},
      { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } } },
    );
    const steps = planDaemonSetSteps({ ds, nodes, pods, hash: "new", templateGeneration: 2, now: NOW });
    let count = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) count++;
    expect(next.value.delete).toHaveLength(nodes.length);
    expect(next.value.create).toHaveLength(nodes.length);
    // Nodes, pods, kept pods, rollout facts and step, deletes, creates, the status and the
    // facts after: each walk of 10 × STEP_ITEMS items yields about 10 times.
    expect(count).toBeGreaterThanOrEqual(9 * 10);
  });
});
