import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { computeDaemonSetStatus } from "./daemonset-status.js";
import { runSteps } from "./plan-types.js";
import { daemonPod, daemonSet } from "./test-builders.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

function status(
  nodes: Array<[string, boolean]>,
  pods: Pod[],
  options: { minReadySeconds?: number; generation?: number; templateGeneration?: number } = {},
) {
  const ds = daemonSet({}, { generation: options.generation ?? 4, minReadySeconds: options.minReadySeconds });
  const podsByNode = new Map<string, Pod[]>();
  for (const p of pods)
    podsByNode.set(p.spec.nodeName ?? "", [...(podsByNode.get(p.spec.nodeName ?? "") ?? []), p]);
  return runSteps(
    computeDaemonSetStatus({
      ds,
      nodes: nodes.map(([name, shouldRun]) => ({ name, shouldRun })),
      podsByNode,
      hash: "new",
      templateGeneration: options.templateGeneration,
      now: NOW,
    }),
  );
}

describe("computeDaemonSetStatus", () => {
  it("the worked example: 5 nodes, n5 NotReady, an update in progress", () => {
    const s = status(
      [
        ["n1", true],
        ["n2", true],
        ["n3", true],
        ["n4", true],
        ["n5", false],
      ],
      [
        daemonPod("p1", "n1", { hash: "new" }),
        daemonPod("p3", "n3"),
        daemonPod("p4", "n4"),
        daemonPod("p5", "n5", { ready: false }),
      ],
    );
    expect(s).toEqual({
      desiredNumberScheduled: 4,
      currentNumberScheduled: 3,
      numberMisscheduled: 1,
      numberReady: 3,
      numberAvailable: 3,
      numberUnavailable: 1,
      updatedNumberScheduled: 1,
      observedGeneration: 4,
    });
  });

  it.each<[string, Array<[string, boolean]>, Pod[], Record<string, number>]>([
    ["no nodes", [], [], { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberUnavailable: 0 }],
    [
      "a desired node without pod",
      [["n1", true]],
      [],
      { desiredNumberScheduled: 1, currentNumberScheduled: 0, numberUnavailable: 1 },
    ],
    [
      "a Pending pod counts as current but not ready",
      [["n1", true]],
      [daemonPod("p1", "n1", { phase: "Pending", ready: false })],
      { currentNumberScheduled: 1, numberReady: 0, numberAvailable: 0, numberUnavailable: 1 },
    ],
    [
      "only the oldest pod of a node is inspected",
      [["n1", true]],
      [
        daemonPod("young", "n1", { hash: "new", created: Date.UTC(2026, 0, 3) }),
        daemonPod("old", "n1", { ready: false, created: Date.UTC(2026, 0, 2) }),
      ],
      { currentNumberScheduled: 1, numberReady: 0, updatedNumberScheduled: 0 },
    ],
    [
      "a terminal pod that is being deleted no longer counts",
      [["n1", true]],
      [daemonPod("p1", "n1", { phase: "Failed", terminating: true })],
      { currentNumberScheduled: 0 },
    ],
    [
      "a misscheduled pod is not desired",
      [["n1", false]],
      [daemonPod("p1", "n1")],
      { desiredNumberScheduled: 0, numberMisscheduled: 1, numberReady: 0 },
    ],
  ])("%s", (_name, nodes, pods, expected) => {
    expect(status(nodes, pods)).toMatchObject(expected);
  });

  it("available needs Ready for minReadySeconds", () => {
    const pods = [
      daemonPod("p1", "n1", { readySince: NOW - 5_000 }),
      daemonPod("p2", "n2", { readySince: NOW - 20_000 }),
    ];
    expect(
      status(
        [
          ["n1", true],
          ["n2", true],
        ],
        pods,
        { minReadySeconds: 10 },
      ),
    ).toMatchObject({
      numberReady: 2,
      numberAvailable: 1,
      numberUnavailable: 1,
    });
  });

  it("a pod with the current template generation counts as updated", () => {
    const s = status([["n1", true]], [daemonPod("p1", "n1", { hash: "other", generation: 7 })], {
      templateGeneration: 7,
    });
    expect(s.updatedNumberScheduled).toBe(1);
  });
});
