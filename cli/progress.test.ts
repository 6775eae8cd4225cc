import { describe, it, expect } from "vitest";
import { ProgressLine } from "./progress.js";
import { daemonSetRolloutStatus } from "./rollout-status.js";
import { planDrain } from "./commands/drain-decider.js";
import type { DaemonSet, Pod } from "../shared/api-types.js";

describe("progress line", () => {
  it("redraws in place on a terminal and erases at the end", () => {
    let out = "";
    const p = new ProgressLine((t) => (out += t), true);
    p.update("a");
    p.update("a");
    p.update("b");
    p.finish();
    expect(out).toBe("\r\x1b[Ka\r\x1b[Kb\r\x1b[K");
  });

  it("prints plain lines, once per change, elsewhere (or nothing when quiet)", () => {
    let out = "";
    const p = new ProgressLine((t) => (out += t), false);
    p.update("a");
    p.update("a");
    p.update("b");
    p.finish();
    expect(out).toBe("a\nb\n");
    const quiet = new ProgressLine((t) => (out += t), false, true);
    quiet.update("c");
    expect(out).toBe("a\nb\n");
  });
});

const ds = (
  generation: number,
  status: Partial<NonNullable<DaemonSet["status"]>>,
  type?: "OnDelete",
): DaemonSet => ({
  metadata: { name: "nginx", generation },
  spec: {
    selector: {},
    template: { spec: { containers: [] } },
    updateStrategy: { type: type ?? "RollingUpdate" },
  },
  status: {
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    desiredNumberScheduled: 2,
    observedGeneration: 1,
    ...status,
  },
});

describe("rollout status messages (kubectl's words)", () => {
  it.each([
    [ds(2, {}), "Waiting for daemon set spec update to be observed...", false],
    [
      ds(1, { updatedNumberScheduled: 1 }),
      'Waiting for daemon set "nginx" rollout to finish: 1 out of 2 new pods have been updated...',
      false,
    ],
    [
      ds(1, { updatedNumberScheduled: 2, numberAvailable: 1 }),
      'Waiting for daemon set "nginx" rollout to finish: 1 of 2 updated pods are available...',
      false,
    ],
    [
      ds(1, { updatedNumberScheduled: 2, numberAvailable: 2 }),
      'daemon set "nginx" successfully rolled out',
      true,
    ],
  ])("%#", (d, message, done) => expect(daemonSetRolloutStatus(d)).toEqual({ message, done }));

  it("refuses OnDelete DaemonSets", () => {
    expect(() => daemonSetRolloutStatus(ds(1, {}, "OnDelete"))).toThrow(
      "rollout status is only available for RollingUpdate strategy type",
    );
  });
});

describe("drain decisions", () => {
  const dsPod: Pod = {
    metadata: {
      name: "nginx-abcde",
      namespace: "default",
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "DaemonSet", name: "nginx", uid: "u", controller: true },
      ],
    },
    spec: { containers: [] },
  };
  const bare: Pod = { metadata: { name: "lonely", namespace: "default" }, spec: { containers: [] } };

  it.each([
    [
      { ignoreDaemonSets: false, deleteEmptyDirData: false, force: false },
      [dsPod],
      ["cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/nginx-abcde"],
      0,
    ],
    [{ ignoreDaemonSets: true, deleteEmptyDirData: false, force: false }, [dsPod], [], 0],
    [
      { ignoreDaemonSets: true, deleteEmptyDirData: false, force: false },
      [bare],
      ["cannot delete Pods that declare no controller (use --force to override): default/lonely"],
      0,
    ],
    [{ ignoreDaemonSets: true, deleteEmptyDirData: false, force: true }, [bare], [], 1],
  ])("%j", (opts, pods, errors, evicted) => {
    const plan = planDrain(pods, opts);
    expect(plan.errors).toEqual(errors);
    expect(plan.evict).toHaveLength(evicted);
  });
});
