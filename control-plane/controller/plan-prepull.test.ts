import { describe, expect, it } from "vitest";
import type { DaemonSet, Node, Pod, RollingUpdateDaemonSet } from "../../shared/api-types.js";
import { planPrePull, templateImages, type PrePullSupport } from "./plan-prepull.js";
import { planDaemonSet } from "./planner.js";
import { daemonPod, daemonSet, node } from "./test-builders.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const V2 = "everynode/web:v2";

function prePullDs(ru: RollingUpdateDaemonSet = {}, containers = [{ name: "web", image: V2 }]): DaemonSet {
  return daemonSet(
    { containers },
    { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, prePull: true, ...ru } } },
  );
}

/** A Ready node whose agent reports these images. */
function nodeWith(name: string, images: string[] = [], labels: Record<string, string> = {}): Node {
  const n = node(name, { labels });
  if (n.status && images.length > 0) n.status.images = images.map((i) => ({ names: [i], sizeBytes: 1 }));
  return n;
}

const oldPods = (names: string[]): Pod[] => names.map((n) => daemonPod(`old-${n}`, n, { hash: "old" }));

describe("templateImages", () => {
  it("lists init containers' images first, each once, with its pull policy", () => {
    const ds = daemonSet({
      initContainers: [{ name: "init", image: "busybox:1", imagePullPolicy: "Never" }],
      containers: [
        { name: "a", image: V2, imagePullPolicy: "Always" },
        { name: "b", image: V2 },
        { name: "c", image: "x".repeat(600) },
      ],
    });
    expect(templateImages(ds)).toEqual([
      { image: "busybox:1", pullPolicy: "Never" },
      { image: V2, pullPolicy: "Always" },
    ]);
  });
});

describe("planPrePull", () => {
  const ds = prePullDs({}, [
    { name: "web", image: V2 },
    { name: "side", image: "side:2" },
  ]);
  const names = ["a", "b", "c", "d", "e", "f"];
  const support: Record<string, PrePullSupport> = {
    a: "yes",
    b: "yes",
    c: "no",
    d: "unknown",
    e: "yes",
    f: "yes",
  };
  const nodes = [
    nodeWith("a", [V2, "side:2"]),
    nodeWith("b", [V2]),
    nodeWith("c"),
    nodeWith("d"),
    nodeWith("e"),
    nodeWith("f"),
  ];
  const pods = new Map<string, Pod[]>(names.map((n) => [n, oldPods([n])]));
  // e already runs the update revision; f is out of the canary set; g is unreachable.
  pods.set("e", [daemonPod("new-e", "e", { hash: "new" })]);
  const plan = planPrePull({
    ds,
    hash: "new",
    nodes,
    targets: new Set(["a", "b", "c", "d", "e", "g"]),
    unreachable: new Set(["g"]),
    podsByNode: pods,
    support: (n) => support[n] ?? "unknown",
  });

  it.each<[string, string, boolean, boolean]>([
    ["has every image", "a", true, true],
    ["misses one image", "b", true, false],
    ["its agent cannot pre-pull: updated as without", "c", true, true],
    ["its agent has not said hello since the start: waits", "d", true, false],
    ["already on the update revision", "e", false, false],
    ["held back by the partition or selector", "f", false, false],
    ["unreachable", "g", false, false],
  ])("a node that %s (%s): due %s, replaceable %s", (_why, name, due, ready) => {
    expect(plan.wanted.has(name)).toBe(due);
    expect(plan.ready.has(name)).toBe(ready);
  });

  it("asks the due nodes for every image and counts them", () => {
    expect(plan.wanted.get("b")).toEqual([{ image: V2 }, { image: "side:2" }]);
    expect({ prePulled: plan.prePulled, pending: plan.pending }).toEqual({ prePulled: 1, pending: 2 });
  });
});

describe("planDaemonSet with prePull", () => {
  const run = (ds: DaemonSet, nodes: Node[], pods: Pod[], support: PrePullSupport = "yes") =>
    planDaemonSet({ ds, nodes, pods, hash: "new", now: NOW, prePullSupport: () => support });
  const deleted = (p: ReturnType<typeof run>) => p.delete.map((d) => d.pod.metadata.name).sort();

  it("replaces only nodes that report the new image, within the budget", () => {
    const nodes = [nodeWith("a"), nodeWith("b", [V2]), nodeWith("c", [V2])];
    const p = run(prePullDs(), nodes, oldPods(["a", "b", "c"]));
    expect(deleted(p)).toEqual(["old-b"]);
    expect(p.create.map((c) => c.nodeName)).toEqual(["b"]);
    expect([...(p.prePull?.keys() ?? [])].sort()).toEqual(["a", "b", "c"]);
    // After the plan: b runs the new pod, c has the image, a is still pulling.
    expect(p.status.rollout).toMatchObject({ prePulledNodes: 1, prePullPendingNodes: 1 });
  });

  it("replaces nothing while no node has the image, and says so", () => {
    const p = run(prePullDs(), [nodeWith("a"), nodeWith("b")], oldPods(["a", "b"]));
    expect(p.delete).toEqual([]);
    expect(p.create).toEqual([]);
    expect(p.status.rollout).toMatchObject({ prePulledNodes: 0, prePullPendingNodes: 2 });
  });

  it("does not start a surge pod before the image is there", () => {
    const ds = prePullDs({ maxUnavailable: 0, maxSurge: 2 });
    const p = run(ds, [nodeWith("a"), nodeWith("b", [V2])], oldPods(["a", "b"]));
    expect(p.create.map((c) => c.nodeName)).toEqual(["b"]);
    expect(p.delete).toEqual([]);
  });

  it("asks no node while paused", () => {
    const p = run(prePullDs({ paused: true }), [nodeWith("a")], oldPods(["a"]));
    expect(p.prePull?.size).toBe(0);
    expect(p.status.rollout).toMatchObject({ prePulledNodes: 0, prePullPendingNodes: 0 });
  });

  it("updates nodes whose agents cannot pre-pull as without pre-pull", () => {
    const p = run(prePullDs(), [nodeWith("a"), nodeWith("b")], oldPods(["a", "b"]), "no");
    expect(deleted(p)).toEqual(["old-a"]);
  });

  it("leaves a DaemonSet without prePull alone", () => {
    const ds = prePullDs({ prePull: false });
    const p = run(ds, [nodeWith("a")], oldPods(["a"]));
    expect(p.prePull).toBeUndefined();
    expect(deleted(p)).toEqual(["old-a"]);
    expect(p.status.rollout?.prePullPendingNodes).toBeUndefined();
  });
});
