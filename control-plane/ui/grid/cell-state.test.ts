import { describe, expect, it } from "vitest";
import type { ContainerStatus, DaemonSet, Node, Pod } from "../../../shared/api-types.js";
import { daemonPod, daemonSet, node } from "../../controller/test-builders.js";
import { cellOf, nodeCodeOf, type Cell } from "./cell-state.js";

const NOW = Date.UTC(2026, 0, 2);

function withRollout(ds: DaemonSet, updateHash: string, extra: Partial<DaemonSet["status"]> = {}): DaemonSet {
  ds.status = {
    currentNumberScheduled: 1,
    numberMisscheduled: 0,
    desiredNumberScheduled: 1,
    numberReady: 1,
    rollout: {
      updateRevision: 2,
      updateHash,
      updatedNodes: 0,
      oldNodes: 1,
      heldBackNodes: 0,
      updatedAvailableNodes: 0,
    },
    ...extra,
  };
  return ds;
}

function waiting(reason: string, message?: string, restartCount = 0): Pod {
  const p = daemonPod("p", "n1", { hash: "new", ready: false });
  const status: ContainerStatus = {
    name: "web",
    state: { waiting: message ? { reason, message } : { reason } },
    lastState: {},
    ready: false,
    restartCount,
    image: "everynode/web:test",
    imageID: "",
  };
  p.status = { ...p.status, containerStatuses: [status] };
  return p;
}

const current = (): DaemonSet => withRollout(daemonSet(), "new");

const cases: { name: string; node?: Node; ds?: DaemonSet; pods: Pod[]; want: Cell }[] = [
  {
    name: "a Ready pod of the current revision is ready",
    pods: [daemonPod("p", "n1", { hash: "new" })],
    want: { state: "ready" },
  },
  {
    name: "a running pod that is not Ready says which containers are not",
    pods: [
      (() => {
        const p = daemonPod("p", "n1", { hash: "new", ready: false });
        p.status = {
          ...p.status,
          containerStatuses: [
            {
              name: "web",
              state: { running: {} },
              lastState: {},
              ready: false,
              restartCount: 0,
              image: "",
              imageID: "",
            },
          ],
        };
        return p;
      })(),
    ],
    want: { state: "running", reason: "not ready: web" },
  },
  {
    name: "a pod of the old revision while a rollout runs is updating",
    pods: [daemonPod("p", "n1", { hash: "old", generation: 1 })],
    want: { state: "updating", reason: "revision 1, rolling out 2: waiting for its turn" },
  },
  {
    name: "an old pod of a paused rollout says so",
    ds: withRollout(
      daemonSet({}, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { paused: true } } }),
      "new",
    ),
    pods: [daemonPod("p", "n1", { hash: "old", generation: 1 })],
    want: { state: "updating", reason: "revision 1, rolling out 2: rollout paused" },
  },
  {
    name: "an old pod held back by a partition says so",
    ds: withRollout(daemonSet(), "new", {
      conditions: [{ type: "Progressing", status: "True", reason: "WaitingForPartition" }],
    }),
    pods: [daemonPod("p", "n1", { hash: "old", generation: 1 })],
    want: { state: "updating", reason: "revision 1, rolling out 2: held back by the partition or selector" },
  },
  {
    name: "CrashLoopBackOff is crash-looping, with the restarts",
    pods: [waiting("CrashLoopBackOff", "back-off 40s restarting failed container", 4)],
    want: {
      state: "crashloop",
      reason: "web: CrashLoopBackOff (back-off 40s restarting failed container), 4 restarts",
    },
  },
  {
    name: "a crash-looping pod of the old revision is crash-looping first",
    pods: [
      (() => {
        const p = waiting("CrashLoopBackOff");
        p.metadata.labels = { ...p.metadata.labels, "controller-revision-hash": "old" };
        return p;
      })(),
    ],
    want: { state: "crashloop", reason: "web: CrashLoopBackOff, 0 restarts" },
  },
  {
    name: "an image that cannot be pulled is failing",
    pods: [waiting("ImagePullBackOff", 'Back-off pulling image "x"')],
    want: { state: "failing", reason: 'web: ImagePullBackOff (Back-off pulling image "x")' },
  },
  {
    name: "a pod no agent reported yet is pending",
    pods: [
      (() => {
        const p = daemonPod("p", "n1", { hash: "new" });
        delete p.status;
        return p;
      })(),
    ],
    want: { state: "pending", reason: "not yet reported by the node's agent" },
  },
  {
    name: "a Pending pod names its waiting container",
    pods: [
      (() => {
        const p = waiting("ContainerCreating");
        p.status = { ...p.status, phase: "Pending" };
        return p;
      })(),
    ],
    want: { state: "pending", reason: "web: ContainerCreating" },
  },
  {
    name: "a Failed pod is failing with its reason",
    pods: [
      (() => {
        const p = daemonPod("p", "n1", { hash: "new", phase: "Failed" });
        p.status = { ...p.status, reason: "Evicted", message: "low on memory" };
        return p;
      })(),
    ],
    want: { state: "failing", reason: "Evicted: low on memory" },
  },
  {
    name: "a pod being deleted is terminating",
    pods: [daemonPod("p", "n1", { hash: "new", terminating: true })],
    want: { state: "terminating", reason: "being deleted" },
  },
  {
    name: "a surge replacement: the new pod is shown, not the terminating old one",
    pods: [
      daemonPod("old", "n1", { hash: "old", terminating: true }),
      daemonPod("new", "n1", { hash: "new", ready: false, phase: "Pending" }),
    ],
    want: { state: "pending", reason: "phase Pending" },
  },
  {
    name: "no pod on an eligible node is missing",
    pods: [],
    want: { state: "missing", reason: "the node should run it; the controller has not made its pod yet" },
  },
  {
    name: "no pod on a node the nodeSelector leaves out: ineligible, and why",
    ds: withRollout(daemonSet({ nodeSelector: { gpu: "yes" } }), "new"),
    pods: [],
    want: { state: "ineligible", reason: "node does not match the nodeSelector" },
  },
  {
    name: "required node affinity",
    ds: withRollout(
      daemonSet({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
            },
          },
        },
      }),
      "new",
    ),
    pods: [],
    want: { state: "ineligible", reason: "node does not match the required node affinity" },
  },
  {
    name: "a taint the template does not tolerate",
    node: node("n1", { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] }),
    pods: [],
    want: { state: "ineligible", reason: "untolerated taint dedicated=db:NoSchedule" },
  },
  {
    name: "a cordoned node still runs daemon pods (they tolerate unschedulable)",
    node: (() => {
      const n = node("n1", {
        taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
      });
      n.spec.unschedulable = true;
      return n;
    })(),
    pods: [],
    want: { state: "missing", reason: "the node should run it; the controller has not made its pod yet" },
  },
  {
    name: "a pod left on a node that no longer matches: its state, and why it is misplaced",
    ds: withRollout(daemonSet({ nodeSelector: { gpu: "yes" } }), "new"),
    pods: [daemonPod("p", "n1", { hash: "new" })],
    want: { state: "ready", reason: "misplaced: node does not match the nodeSelector" },
  },
];

describe("cellOf", () => {
  it.each(cases)("$name", ({ node: n, ds, pods, want }) => {
    expect(cellOf(n ?? node("n1"), ds ?? current(), pods, NOW)).toEqual(want);
  });

  it("a DaemonSet without rollout status shows no pod as updating", () => {
    expect(cellOf(node("n1"), daemonSet(), [daemonPod("p", "n1", { hash: "x" })], NOW)).toEqual({
      state: "ready",
    });
  });
});

describe("nodeCodeOf", () => {
  it.each([
    ["True", false, "R"],
    ["False", false, "N"],
    ["Unknown", false, "U"],
    [undefined, false, "U"],
    ["True", true, "Rc"],
  ] as const)("Ready=%s cordoned=%s → %s", (ready, cordoned, want) => {
    const n = node("n1");
    n.status = ready ? { conditions: [{ type: "Ready", status: ready }] } : {};
    if (cordoned) n.spec.unschedulable = true;
    expect(nodeCodeOf(n)).toBe(want);
  });
});
