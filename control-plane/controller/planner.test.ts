import { describe, expect, it } from "vitest";
import type { DaemonSet, Node, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import type { DaemonSetPlan } from "./planner.js";
import { planDaemonSet } from "./planner.js";
import { podTargetNode } from "./pod-utils.js";
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
