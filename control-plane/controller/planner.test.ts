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

const plan = (
  ds: DaemonSet,
  nodes: Node[],
  pods: Pod[],
  extra: { failedBackoff?: Map<string, number> } = {},
) => planDaemonSet({ ds, nodes, pods, hash: "new", now: NOW, ...extra });
const created = (p: DaemonSetPlan) => p.create.map((c) => c.nodeName).sort();
const deleted = (p: DaemonSetPlan) => p.delete.map((d) => `${d.pod.metadata.name}:${d.reason}`).sort();

describe("planDaemonSet: manage", () => {
  const ds = daemonSet({ nodeSelector: { role: "edge" } });
  const edge = (name: string, taints?: Node["spec"]["taints"]) =>
    node(name, { labels: { role: "edge" }, taints });

  it("creates a pod on a new matching node", () => {
    const p = plan(ds, [edge("n1"), edge("n2"), node("n3")], [daemonPod("p1", "n1", { hash: "new" })]);
    expect(created(p)).toEqual(["n2"]);
    expect(p.delete).toEqual([]);
  });

  it("deletes the pod of a node whose labels stopped matching", () => {
    const p = plan(ds, [node("n1")], [daemonPod("p1", "n1", { hash: "new" })]);
    expect(deleted(p)).toEqual(["p1:NodeIneligible"]);
    expect(p.delete[0]?.message).toContain("nodeSelector");
    expect(p.create).toEqual([]);
  });

  it("keeps the pod under an untolerated NoSchedule taint and counts it misscheduled", () => {
    const p = plan(
      ds,
      [edge("n1", [{ key: "gpu", effect: "NoSchedule" }])],
      [daemonPod("p1", "n1", { hash: "new" })],
    );
    expect(p.delete).toEqual([]);
    expect(p.create).toEqual([]);
    expect(p.status).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 1 });
  });

  it("deletes the pod under an untolerated NoExecute taint", () => {
    const p = plan(
      ds,
      [edge("n1", [{ key: "gpu", effect: "NoExecute" }])],
      [daemonPod("p1", "n1", { hash: "new" })],
    );
    expect(deleted(p)).toEqual(["p1:NodeIneligible"]);
  });

  it("keeps the oldest of several pods on one node", () => {
    const pods = [
      daemonPod("b-young", "n1", { hash: "new", created: Date.UTC(2026, 0, 3) }),
      daemonPod("a-old", "n1", { hash: "new", created: Date.UTC(2026, 0, 2) }),
      daemonPod("c-young", "n1", { hash: "new", created: Date.UTC(2026, 0, 3) }),
    ];
    const p = plan(ds, [edge("n1")], pods);
    expect(deleted(p)).toEqual(["b-young:Duplicate", "c-young:Duplicate"]);
    expect(p.create).toEqual([]);
  });

  it("replaces failed and succeeded pods", () => {
    const pods = [
      daemonPod("f", "n1", { hash: "new", phase: "Failed" }),
      daemonPod("s", "n2", { hash: "new", phase: "Succeeded" }),
    ];
    const p = plan(ds, [edge("n1"), edge("n2")], pods);
    expect(deleted(p)).toEqual(["f:Failed", "s:Succeeded"]);
    expect(created(p)).toEqual(["n1", "n2"]);
  });

  it("leaves a failed pod alone while its node's back-off runs, and says when to look again", () => {
    const p = plan(ds, [edge("n1")], [daemonPod("f", "n1", { hash: "new", phase: "Failed" })], {
      failedBackoff: new Map([["n1", NOW + 4_000]]),
    });
    expect(p.delete).toEqual([]);
    expect(p.create).toEqual([]);
    expect(p.recheckAt).toBe(NOW + 4_000);
  });

  it("deletes pods bound to nodes that no longer exist, without replacing them", () => {
    const p = plan(
      ds,
      [edge("n1")],
      [daemonPod("p1", "n1", { hash: "new" }), daemonPod("gone", "n9", { hash: "new" })],
    );
    expect(deleted(p)).toEqual(["gone:NodeGone"]);
    expect(p.create).toEqual([]);
  });

  it("creates nothing next to a pod that is terminating", () => {
    const p = plan(ds, [edge("n1")], [daemonPod("t", "n1", { hash: "new", terminating: true })]);
    expect(p.create).toEqual([]);
    expect(p.delete).toEqual([]);
  });

  it("reports the status after the plan", () => {
    const p = plan(ds, [edge("n1"), edge("n2")], [daemonPod("p1", "n1", { hash: "new" })]);
    expect(p.status).toMatchObject({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 1,
      updatedNumberScheduled: 2,
      numberUnavailable: 1,
    });
  });
});

describe("planDaemonSet: rolling update", () => {
  const nodes = ["n1", "n2", "n3", "n4", "n5", "n6"].map((n) => node(n));
  const oldPods = (opts: { unready?: string[] } = {}) =>
    nodes.map((n) => {
      const name = n.metadata.name ?? "";
      return daemonPod(`old-${name}`, name, { ready: !opts.unready?.includes(name) });
    });
  const rolling = (maxUnavailable: number | string, extra: Partial<DaemonSet["spec"]> = {}) =>
    daemonSet({}, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable } }, ...extra });

  it.each<[number | string, number]>([
    [1, 1],
    [2, 2],
    ["50%", 3],
    ["10%", 1], // ceil(0.6)
  ])("maxUnavailable %s replaces %i pods at a time", (maxUnavailable, expected) => {
    const p = plan(rolling(maxUnavailable), nodes, oldPods());
    expect(p.delete).toHaveLength(expected);
    expect(p.delete.every((d) => d.reason === "Outdated")).toBe(true);
    expect(created(p)).toEqual(p.delete.map((d) => podTargetNode(d.pod)).sort());
  });

  it("defaults to maxUnavailable 1", () => {
    expect(plan(daemonSet(), nodes, oldPods()).delete).toHaveLength(1);
  });

  it("waits while the replaced node's new pod is not available", () => {
    const pods = [daemonPod("new-n1", "n1", { hash: "new", ready: false }), ...oldPods().slice(1)];
    expect(plan(rolling(1), nodes, pods).delete).toEqual([]);
  });

  it("goes on once the new pod is available (minReadySeconds counted)", () => {
    const ds = rolling(1, { minReadySeconds: 30 });
    const fresh = [
      daemonPod("new-n1", "n1", { hash: "new", readySince: NOW - 10_000 }),
      ...oldPods().slice(1),
    ];
    const p1 = plan(ds, nodes, fresh);
    expect(p1.delete).toEqual([]);
    expect(p1.recheckAt).toBe(NOW + 20_000);
    const settled = [
      daemonPod("new-n1", "n1", { hash: "new", readySince: NOW - 40_000 }),
      ...oldPods().slice(1),
    ];
    expect(plan(ds, nodes, settled).delete).toHaveLength(1);
  });

  it("counts old pods that are already unavailable against the budget", () => {
    const p = plan(rolling(1), nodes, oldPods({ unready: ["n3", "n5"] }));
    // One at a time, and an unavailable one first: no available pod is taken down.
    expect(deleted(p)).toEqual(["old-n3:Outdated"]);
  });

  it("never deletes an available pod while the budget is used up by unavailable ones", () => {
    const p = plan(rolling(2), nodes, oldPods({ unready: ["n2", "n4", "n6"] }));
    expect(p.delete.every((d) => ["n2", "n4", "n6"].includes(podTargetNode(d.pod) ?? ""))).toBe(true);
    expect(p.delete).toHaveLength(2);
  });

  it("with OnDelete never replaces pods for a template change", () => {
    const p = plan(daemonSet({}, { updateStrategy: { type: "OnDelete" } }), nodes, oldPods());
    expect(p.delete).toEqual([]);
    expect(p.create).toEqual([]);
    expect(p.status.updatedNumberScheduled).toBe(0);
  });

  it("with OnDelete a deleted pod comes back with the new template", () => {
    const p = plan(daemonSet({}, { updateStrategy: { type: "OnDelete" } }), nodes, oldPods().slice(1));
    expect(created(p)).toEqual(["n1"]);
    expect(p.status.updatedNumberScheduled).toBe(1);
  });

  describe("maxSurge", () => {
    const surge = (maxSurge: number | string) =>
      daemonSet(
        {},
        { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge } } },
      );

    it("creates the new pods first, next to the old ones", () => {
      const p = plan(surge(2), nodes, oldPods());
      expect(p.delete).toEqual([]);
      expect(created(p)).toEqual(["n1", "n2"]);
    });

    it("deletes the old pod once the new one is available", () => {
      const pods = [daemonPod("new-n1", "n1", { hash: "new" }), ...oldPods()];
      const p = plan(surge(1), nodes, pods);
      expect(deleted(p)).toEqual(["old-n1:Replaced"]);
      expect(created(p)).toEqual(["n2"]);
    });

    it("waits while the new pod is not available", () => {
      const pods = [daemonPod("new-n1", "n1", { hash: "new", ready: false }), ...oldPods()];
      const p = plan(surge(1), nodes, pods);
      expect(p.delete).toEqual([]);
      expect(p.create).toEqual([]);
    });

    it("replaces unavailable old pods first, still within maxSurge", () => {
      const p = plan(surge(1), nodes, oldPods({ unready: ["n4"] }));
      expect(created(p)).toEqual(["n4"]);
    });
  });
});

describe("planDaemonSet: pods that terminate gracefully", () => {
  const nodes = ["n1", "n2", "n3"].map((n) => node(n));
  const rolling = daemonSet(
    {},
    { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } },
  );
  const graceful = (pods: Pod[], ds = rolling) =>
    planDaemonSet({ ds, nodes, pods, hash: "new", now: NOW, nodeCanWait: () => true });
  const olds = () => nodes.map((n) => daemonPod(`old-${n.metadata.name}`, n.metadata.name ?? ""));

  it("deletes an outdated pod but creates its successor only once it is gone", () => {
    const p = graceful(olds());
    expect(deleted(p)).toEqual(["old-n1:Outdated"]);
    expect(p.create).toEqual([]);
    // The node still counts its terminating pod, and is unavailable.
    expect(p.status).toMatchObject({ currentNumberScheduled: 3, numberAvailable: 2, numberUnavailable: 1 });
  });

  it("holds the node's slot while the old pod terminates, then fills it when it is gone", () => {
    const terminating = [daemonPod("old-n1", "n1", { terminating: true }), ...olds().slice(1)];
    const waiting = graceful(terminating);
    expect(waiting.delete).toEqual([]);
    expect(waiting.create).toEqual([]);
    const gone = graceful(olds().slice(1));
    expect(created(gone)).toEqual(["n1"]);
    expect(gone.delete).toEqual([]);
  });

  it("predicts the status the next pass computes while the pod terminates", () => {
    const first = graceful(olds());
    const marked = olds().map((p, i) => (i === 0 ? daemonPod("old-n1", "n1", { terminating: true }) : p));
    marked[0]!.metadata.deletionTimestamp = rfc3339(NOW);
    expect(graceful(marked).status).toEqual(first.status);
  });

  it("creates next to a pod that ended while terminating (Failed or Succeeded)", () => {
    const ended = [daemonPod("old-n1", "n1", { terminating: true, phase: "Failed" }), ...olds().slice(1)];
    expect(created(graceful(ended))).toEqual(["n1"]);
  });

  it("replaces a pod on a node whose agent cannot wait in the same pass, as before", () => {
    const p = planDaemonSet({
      ds: rolling,
      nodes,
      pods: olds(),
      hash: "new",
      now: NOW,
      nodeCanWait: () => false,
    });
    expect(created(p)).toEqual(["n1"]);
  });

  it("with maxSurge, starts the new pod next to the old one and lets the old one terminate", () => {
    const surge = daemonSet(
      {},
      { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } },
    );
    const pods = [daemonPod("new-n1", "n1", { hash: "new" }), ...olds()];
    const p = graceful(pods, surge);
    expect(deleted(p)).toEqual(["old-n1:Replaced"]);
    expect(created(p)).toEqual(["n2"]);
    const next = graceful(
      [
        daemonPod("new-n1", "n1", { hash: "new" }),
        daemonPod("old-n1", "n1", { terminating: true }),
        ...olds().slice(1),
      ],
      surge,
    );
    expect(next.delete).toEqual([]);
    expect(created(next)).toEqual(["n2"]);
  });
});

// ---------------------------------------------------------------- property: idempotence

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
