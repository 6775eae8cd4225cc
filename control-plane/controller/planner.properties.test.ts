// Properties of planDaemonSet over random clusters: planning is idempotent once its plan is
// applied, no node ever holds two pods of one revision, and the update budget holds.
import { describe, expect, it } from "vitest";
import type { DaemonSet, Node, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { nodeShouldRunDaemonPod } from "./eligibility.js";
import type { DaemonSetPlan } from "./planner.js";
import { planDaemonSet } from "./planner.js";
import { newDaemonPod } from "./pod-factory.js";
import { isPodAvailable, isPodUpdated, podTargetNode } from "./pod-utils.js";
import { daemonPod, daemonSet, node } from "./test-builders.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const plan = (ds: DaemonSet, nodes: Node[], pods: Pod[]) =>
  planDaemonSet({ ds, nodes, pods, hash: "new", now: NOW });

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomCluster(random: () => number): { ds: DaemonSet; nodes: Node[]; pods: Pod[] } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const strategies: DaemonSet["spec"]["updateStrategy"][] = [
    undefined,
    { type: "OnDelete" },
    { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } },
    { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "30%" } },
    { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 2 } },
  ];
  const ds = daemonSet(random() < 0.5 ? { nodeSelector: { role: "edge" } } : {}, {
    updateStrategy: pick(strategies),
  });
  const taintChoices: Array<Node["spec"]["taints"]> = [
    undefined,
    undefined,
    [{ key: "gpu", effect: "NoSchedule" }],
    [{ key: "gpu", effect: "NoExecute" }],
    [
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
    ],
    [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
  ];
  const nodes = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) =>
    node(`n${i}`, { labels: random() < 0.7 ? { role: "edge" } : {}, taints: pick(taintChoices) }),
  );
  const pods: Pod[] = [];
  const count = Math.floor(random() * 20);
  for (let i = 0; i < count; i++) {
    pods.push(
      daemonPod(`p${i}`, `n${Math.floor(random() * 14)}`, {
        hash: random() < 0.5 ? "new" : "old",
        ready: random() < 0.8,
        phase: pick(["Running", "Running", "Running", "Pending", "Failed", "Succeeded"]),
        created: Date.UTC(2026, 0, 1) + Math.floor(random() * 1000) * 1000,
      }),
    );
  }
  return { ds, nodes, pods };
}

/** What the store would hold after the plan: deleted pods gone, new pods Pending. */
function apply(ds: DaemonSet, pods: Pod[], p: DaemonSetPlan, serial: { n: number }): Pod[] {
  const gone = new Set(p.delete.map((d) => d.pod));
  const next = pods.filter((x) => !gone.has(x));
  for (const c of p.create) {
    const pod = newDaemonPod(ds, c.nodeName, "new", 1, NOW);
    pod.metadata.name = `gen-${serial.n++}`;
    pod.metadata.creationTimestamp = rfc3339(NOW);
    next.push(pod);
  }
  return next;
}

describe("planDaemonSet: random clusters", () => {
  it.each(Array.from({ length: 200 }, (_, i) => i + 1))(
    "seed %i: converges, one pod per node, none on ineligible nodes",
    (seed) => {
      const random = prng(seed);
      const { ds, nodes, pods } = randomCluster(random);
      const serial = { n: 0 };
      const first = plan(ds, nodes, pods);
      const after = apply(ds, pods, first, serial);
      const second = plan(ds, nodes, after);

      // Idempotence: nothing left to do, and the status predicted by the first plan holds.
      expect(second.create).toEqual([]);
      expect(second.delete).toEqual([]);
      expect(second.status).toEqual(first.status);

      const surge = ds.spec.updateStrategy?.rollingUpdate?.maxSurge !== undefined;
      const perNode = new Map<string, Pod[]>();
      for (const p of after)
        perNode.set(podTargetNode(p) ?? "", [...(perNode.get(podTargetNode(p) ?? "") ?? []), p]);
      for (const n of nodes) {
        const name = n.metadata.name ?? "";
        const here = perNode.get(name) ?? [];
        const d = nodeShouldRunDaemonPod(n, ds, NOW);
        if (!d.shouldContinueRunning) expect(here).toEqual([]);
        if (surge) {
          // At most one old and one new pod while surging.
          expect(here.filter((p) => isPodUpdated(p, "new")).length).toBeLessThanOrEqual(1);
          expect(here.filter((p) => !isPodUpdated(p, "new")).length).toBeLessThanOrEqual(1);
        } else {
          expect(here.length).toBeLessThanOrEqual(1);
        }
        if (d.shouldRun) expect(here.length).toBeGreaterThanOrEqual(1);
      }
      for (const p of after) expect(nodes.some((n) => n.metadata.name === podTargetNode(p))).toBe(true);

      // Without surge, the budget holds: the first plan took down at most maxUnavailable available pods.
      const maxU = ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable;
      if (!surge && typeof maxU === "number") {
        const outdatedAvailable = first.delete.filter(
          (d) => d.reason === "Outdated" && isPodAvailable(d.pod, 0, NOW),
        );
        expect(outdatedAvailable.length).toBeLessThanOrEqual(maxU);
      }
    },
  );
});
