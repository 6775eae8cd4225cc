import { describe, expect, it } from "vitest";
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import {
  daemonPodTolerations,
  matchesNodeSelectorTerms,
  nodeShouldRunDaemonPod,
  tolerationsTolerateTaint,
} from "./eligibility.js";
import { daemonSet, node } from "./test-builders.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const notReady = (effect: Taint["effect"]): Taint => ({ key: "node.kubernetes.io/not-ready", effect });
const unreachable = (effect: Taint["effect"]): Taint => ({ key: "node.kubernetes.io/unreachable", effect });

describe("nodeShouldRunDaemonPod: the decision table", () => {
  const matching = { labels: { role: "edge" } };
  const ds = daemonSet({ nodeSelector: { role: "edge" } });
  it.each([
    ["labels match, no taints", node("n1", matching), true, true],
    ["labels stop matching", node("n1", { labels: { role: "core" } }), false, false],
    [
      "untolerated NoSchedule taint",
      node("n1", { ...matching, taints: [{ key: "gpu", effect: "NoSchedule" }] }),
      false,
      true,
    ],
    [
      "untolerated NoExecute taint",
      node("n1", { ...matching, taints: [{ key: "gpu", effect: "NoExecute" }] }),
      false,
      false,
    ],
    [
      "PreferNoSchedule taint is ignored",
      node("n1", { ...matching, taints: [{ key: "gpu", effect: "PreferNoSchedule" }] }),
      true,
      true,
    ],
    [
      "cordoned: unschedulable taint is tolerated by default",
      node("n1", {
        ...matching,
        taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
      }),
      true,
      true,
    ],
    [
      "node NotReady (Ready=False)",
      node("n1", { ...matching, taints: [notReady("NoSchedule"), notReady("NoExecute")] }),
      false,
      true,
    ],
    [
      "node unreachable (Ready=Unknown)",
      node("n1", { ...matching, taints: [unreachable("NoSchedule"), unreachable("NoExecute")] }),
      false,
      true,
    ],
    [
      "unreachable NoExecute alone is survived and placed",
      node("n1", { ...matching, taints: [unreachable("NoExecute")] }),
      true,
      true,
    ],
    [
      "not-ready NoSchedule alone blocks new pods",
      node("n1", { ...matching, taints: [notReady("NoSchedule")] }),
      false,
      true,
    ],
    [
      "pressure taints are tolerated by default",
      node("n1", {
        ...matching,
        taints: ["disk-pressure", "memory-pressure", "pid-pressure"].map((k) => ({
          key: `node.kubernetes.io/${k}`,
          effect: "NoSchedule" as const,
        })),
      }),
      true,
      true,
    ],
    [
      "network-unavailable blocks without hostNetwork",
      node("n1", {
        ...matching,
        taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }],
      }),
      false,
      true,
    ],
  ])("%s", (_name, n, shouldRun, shouldContinueRunning) => {
    const d = nodeShouldRunDaemonPod(n, ds, NOW);
    expect({ shouldRun: d.shouldRun, shouldContinueRunning: d.shouldContinueRunning }).toEqual({
      shouldRun,
      shouldContinueRunning,
    });
    if (!shouldRun) expect(d.reason).toBeTruthy();
  });

  it("network-unavailable is tolerated with hostNetwork", () => {
    const n = node("n1", {
      taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }],
    });
    expect(nodeShouldRunDaemonPod(n, daemonSet({ hostNetwork: true }), NOW).shouldRun).toBe(true);
  });

  it("a DaemonSet tolerating not-ready:NoSchedule still runs on a NotReady node", () => {
    const n = node("n1", { taints: [notReady("NoSchedule"), notReady("NoExecute")] });
    const ds2 = daemonSet({ tolerations: [{ operator: "Exists", effect: "NoSchedule" }] });
    expect(nodeShouldRunDaemonPod(n, ds2, NOW)).toMatchObject({
      shouldRun: true,
      shouldContinueRunning: true,
    });
  });

  it.each([
    ["the template's nodeName is another node", "n2", false],
    ["the template's nodeName is this node", "n1", true],
  ])("%s", (_name, nodeName, expected) => {
    const d = nodeShouldRunDaemonPod(node("n1"), daemonSet({ nodeName }), NOW);
    expect([d.shouldRun, d.shouldContinueRunning]).toEqual([expected, expected]);
  });

  it("nodeSelector and required affinity are ANDed", () => {
    const ds2 = daemonSet({
      nodeSelector: { role: "edge" },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
          },
        },
      },
    });
    expect(
      nodeShouldRunDaemonPod(node("n1", { labels: { role: "edge", zone: "a" } }), ds2, NOW).shouldRun,
    ).toBe(true);
    expect(
      nodeShouldRunDaemonPod(node("n1", { labels: { role: "edge", zone: "b" } }), ds2, NOW).shouldRun,
    ).toBe(false);
    expect(
      nodeShouldRunDaemonPod(node("n1", { labels: { role: "core", zone: "a" } }), ds2, NOW).shouldRun,
    ).toBe(false);
  });

  it("nodeSelector is case-sensitive and needs every key", () => {
    const ds2 = daemonSet({ nodeSelector: { role: "edge", tier: "1" } });
    expect(
      nodeShouldRunDaemonPod(node("n1", { labels: { role: "Edge", tier: "1" } }), ds2, NOW).shouldRun,
    ).toBe(false);
    expect(nodeShouldRunDaemonPod(node("n1", { labels: { role: "edge" } }), ds2, NOW).shouldRun).toBe(false);
  });
});

describe("matchesNodeSelectorTerms", () => {
  const n = node("node-a", { labels: { zone: "a", cores: "8", empty: "", weird: "eight" } });
  const expr = (
    key: string,
    operator: NodeSelectorRequirement["operator"],
    values?: string[],
  ): NodeSelectorTerm => ({
    matchExpressions: [values ? { key, operator, values } : { key, operator }],
  });
  it.each<[string, NodeSelectorTerm[], boolean]>([
    ["In: value in set", [expr("zone", "In", ["a", "b"])], true],
    ["In: value not in set", [expr("zone", "In", ["b"])], false],
    ["In: label missing", [expr("rack", "In", ["a"])], false],
    ["In: no values is malformed", [expr("zone", "In", [])], false],
    ["NotIn: value not in set", [expr("zone", "NotIn", ["b"])], true],
    ["NotIn: value in set", [expr("zone", "NotIn", ["a"])], false],
    ["NotIn: label missing matches", [expr("rack", "NotIn", ["a"])], true],
    ["Exists: present", [expr("zone", "Exists")], true],
    ["Exists: present with empty value", [expr("empty", "Exists")], true],
    ["Exists: missing", [expr("rack", "Exists")], false],
    ["Exists: with values is malformed", [expr("zone", "Exists", ["a"])], false],
    ["DoesNotExist: missing", [expr("rack", "DoesNotExist")], true],
    ["DoesNotExist: present", [expr("zone", "DoesNotExist")], false],
    ["Gt: greater", [expr("cores", "Gt", ["4"])], true],
    ["Gt: equal is not greater", [expr("cores", "Gt", ["8"])], false],
    ["Gt: label missing", [expr("rack", "Gt", ["1"])], false],
    ["Gt: non-numeric label", [expr("weird", "Gt", ["1"])], false],
    ["Gt: non-numeric value", [expr("cores", "Gt", ["four"])], false],
    ["Gt: two values is malformed", [expr("cores", "Gt", ["1", "2"])], false],
    ["Gt: negative bound", [expr("cores", "Gt", ["-3"])], true],
    ["Lt: smaller", [expr("cores", "Lt", ["16"])], true],
    ["Lt: not smaller", [expr("cores", "Lt", ["8"])], false],
    ["Lt: label missing", [expr("rack", "Lt", ["10"])], false],
    ["Lt: non-numeric value", [expr("cores", "Lt", ["1.5"])], false],
    ["unknown operator", [expr("zone", "Like" as never, ["a"])], false],
    ["no terms match nothing", [], false],
    ["an empty term matches nothing", [{}], false],
    ["an empty term does not block another term", [{}, expr("zone", "In", ["a"])], true],
    ["terms are ORed", [expr("zone", "In", ["x"]), expr("cores", "Gt", ["2"])], true],
    [
      "expressions in a term are ANDed",
      [
        {
          matchExpressions: [
            { key: "zone", operator: "In", values: ["a"] },
            { key: "rack", operator: "Exists" },
          ],
        },
      ],
      false,
    ],
    [
      "matchFields metadata.name In",
      [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-a"] }] }],
      true,
    ],
    [
      "matchFields metadata.name In other",
      [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-b"] }] }],
      false,
    ],
    [
      "matchFields metadata.name NotIn",
      [{ matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["node-b"] }] }],
      true,
    ],
    [
      "matchFields with two values is malformed",
      [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-a", "node-b"] }] }],
      false,
    ],
    [
      "matchFields on another field",
      [{ matchFields: [{ key: "metadata.uid", operator: "In", values: ["node-a"] }] }],
      false,
    ],
    [
      "matchFields and matchExpressions are ANDed",
      [
        {
          matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }],
          matchFields: [{ key: "metadata.name", operator: "In", values: ["node-a"] }],
        },
      ],
      false,
    ],
  ])("%s", (_name, terms, expected) => {
    expect(matchesNodeSelectorTerms(terms, n)).toBe(expected);
  });

  it("required affinity with no terms places no pod", () => {
    const ds = daemonSet({
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
      },
    });
    expect(nodeShouldRunDaemonPod(n, ds, NOW)).toMatchObject({
      shouldRun: false,
      shouldContinueRunning: false,
    });
  });
});

describe("tolerationsTolerateTaint", () => {
  const taint: Taint = { key: "gpu", value: "nvidia", effect: "NoSchedule" };
  it.each<[string, Toleration, boolean]>([
    [
      "Equal with the same value",
      { key: "gpu", operator: "Equal", value: "nvidia", effect: "NoSchedule" },
      true,
    ],
    [
      "Equal with another value",
      { key: "gpu", operator: "Equal", value: "amd", effect: "NoSchedule" },
      false,
    ],
    ["empty operator defaults to Equal", { key: "gpu", value: "nvidia" }, true],
    ["Equal without value against a valued taint", { key: "gpu", operator: "Equal" }, false],
    ["Exists on the key", { key: "gpu", operator: "Exists" }, true],
    ["another key", { key: "tpu", operator: "Exists" }, false],
    ["empty key with Exists tolerates everything", { operator: "Exists" }, true],
    ["empty effect matches every effect", { key: "gpu", operator: "Exists", effect: "" }, true],
    ["another effect", { key: "gpu", operator: "Exists", effect: "NoExecute" }, false],
    ["unknown operator", { key: "gpu", operator: "Gt" as never, value: "1" }, false],
  ])("%s", (_name, toleration, expected) => {
    expect(tolerationsTolerateTaint([toleration], taint)).toBe(expected);
  });

  it("an empty value equals an empty value", () => {
    expect(
      tolerationsTolerateTaint([{ key: "k", operator: "Equal" }], { key: "k", effect: "NoSchedule" }),
    ).toBe(true);
  });
});

describe("daemonPodTolerations", () => {
  it("adds the six defaults, and network-unavailable only with hostNetwork", () => {
    const keys = (ts: Toleration[]): string[] => ts.map((t) => `${t.key}:${t.effect}`);
    expect(keys(daemonPodTolerations({ containers: [] }))).toEqual([
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/disk-pressure:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule",
      "node.kubernetes.io/pid-pressure:NoSchedule",
      "node.kubernetes.io/unschedulable:NoSchedule",
    ]);
    expect(keys(daemonPodTolerations({ containers: [], hostNetwork: true }))).toContain(
      "node.kubernetes.io/network-unavailable:NoSchedule",
    );
  });

  it("keeps the template's own tolerations first and updates the same key and effect", () => {
    const result = daemonPodTolerations({
      containers: [],
      tolerations: [
        { key: "gpu", operator: "Exists" },
        {
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 30,
        },
      ],
    });
    expect(result[0]).toEqual({ key: "gpu", operator: "Exists" });
    const notReadyOnes = result.filter((t) => t.key === "node.kubernetes.io/not-ready");
    expect(notReadyOnes).toEqual([
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    ]);
    expect(result).toHaveLength(7);
  });
});

describe("NoExecute taints tolerated only for tolerationSeconds", () => {
  const ds = daemonSet({
    tolerations: [{ key: "maintenance", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 }],
  });
  const tainted = (timeAdded?: number) =>
    node("n1", {
      taints: [
        { key: "maintenance", effect: "NoExecute", ...(timeAdded ? { timeAdded: rfc3339(timeAdded) } : {}) },
      ],
    });

  it("places no new pod but keeps the existing one until the time is up", () => {
    const d = nodeShouldRunDaemonPod(tainted(NOW - 30_000), ds, NOW);
    expect(d).toMatchObject({ shouldRun: false, shouldContinueRunning: true, expiresAt: NOW + 30_000 });
  });

  it("removes the pod once timeAdded + tolerationSeconds has passed", () => {
    expect(nodeShouldRunDaemonPod(tainted(NOW - 60_000), ds, NOW)).toMatchObject({
      shouldRun: false,
      shouldContinueRunning: false,
    });
  });

  it("takes the minimum of the matching tolerationSeconds", () => {
    const ds2 = daemonSet({
      tolerations: [
        { key: "maintenance", operator: "Exists", effect: "NoExecute", tolerationSeconds: 600 },
        { operator: "Exists", effect: "NoExecute", tolerationSeconds: 20 },
      ],
    });
    expect(nodeShouldRunDaemonPod(tainted(NOW - 30_000), ds2, NOW).shouldContinueRunning).toBe(false);
  });

  it("a taint without timeAdded counts as added now", () => {
    expect(nodeShouldRunDaemonPod(tainted(), ds, NOW)).toMatchObject({
      shouldRun: false,
      shouldContinueRunning: true,
    });
  });

  it("tolerationSeconds 0 means at once", () => {
    const ds0 = daemonSet({
      tolerations: [{ key: "maintenance", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 }],
    });
    expect(nodeShouldRunDaemonPod(tainted(), ds0, NOW).shouldContinueRunning).toBe(false);
  });

  it("a toleration without tolerationSeconds next to one with it tolerates forever", () => {
    const ds2 = daemonSet({
      tolerations: [
        { key: "maintenance", operator: "Exists", effect: "NoExecute", tolerationSeconds: 5 },
        { key: "maintenance", operator: "Exists" },
      ],
    });
    expect(nodeShouldRunDaemonPod(tainted(NOW - 3_600_000), ds2, NOW)).toMatchObject({
      shouldRun: true,
      shouldContinueRunning: true,
    });
  });
});
