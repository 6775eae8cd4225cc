import { describe, expect, it } from "vitest";
import type { DaemonSet, DaemonSetStatus } from "../shared/api-types.js";
import { daemonSetRolloutStatus } from "./rollout-status.js";

function ds(status: Partial<DaemonSetStatus>, reason?: string): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "web", generation: 2 },
    spec: { selector: {}, template: { spec: { containers: [] } } },
    status: {
      currentNumberScheduled: 4,
      numberMisscheduled: 0,
      desiredNumberScheduled: 4,
      numberReady: 4,
      numberAvailable: 4,
      updatedNumberScheduled: 2,
      observedGeneration: 2,
      ...(reason ? { conditions: [{ type: "Progressing", status: "Unknown", reason }] } : {}),
      rollout: {
        updateRevision: 2,
        updateHash: "new",
        stableRevision: 1,
        stableHash: "old",
        updatedNodes: 2,
        oldNodes: 2,
        heldBackNodes: 2,
        updatedAvailableNodes: 2,
      },
      ...status,
    },
  };
}

describe("daemonSetRolloutStatus: what kubectl cannot see", () => {
  it("a reached partition is a finished step, saying how many nodes are held back", () => {
    expect(daemonSetRolloutStatus(ds({}, "WaitingForPartition"))).toEqual({
      message:
        "partitioned roll out complete: 2 out of 4 new pods have been updated; 2 held back on revision 1 by the partition or selector",
      done: true,
    });
  });

  it("a paused rollout keeps waiting and says how to resume", () => {
    const v = daemonSetRolloutStatus(ds({}, "RolloutPaused"));
    expect(v.done).toBe(false);
    expect(v.message).toContain(
      "paused with 2 out of 4 new pods updated (resume: everynode rollout resume ds/web)",
    );
  });

  it("a rollout the controller stopped fails with the reason", () => {
    const stop = {
      hash: "new",
      reason: "AutoPaused",
      message: "rollout paused: pod x crashed",
      time: "",
      active: true,
    };
    const d = ds({});
    d.status!.rollout!.stop = stop;
    expect(daemonSetRolloutStatus(d)).toMatchObject({
      done: true,
      failed: 'daemon set "web" rollout failed: AutoPaused: rollout paused: pod x crashed',
    });
  });

  it("a rollback away from the watched revision fails it, even once the rollback is done", () => {
    const d = ds({ updatedNumberScheduled: 4 }, "RolloutComplete");
    d.status!.rollout = {
      ...d.status!.rollout!,
      updateHash: "old",
      stop: {
        hash: "new",
        reason: "ProgressDeadlineExceeded",
        message: "m",
        time: "",
        active: false,
        rolledBackTo: "old",
      },
    };
    expect(daemonSetRolloutStatus(d, "new").failed).toContain("ProgressDeadlineExceeded");
    // Watching the restored revision itself, the rollout is a success.
    expect(daemonSetRolloutStatus(d, "old")).toEqual({
      message: 'daemon set "web" successfully rolled out',
      done: true,
    });
  });

  it("otherwise kubectl's words", () => {
    expect(daemonSetRolloutStatus(ds({ rollout: undefined })).message).toBe(
      'Waiting for daemon set "web" rollout to finish: 2 out of 4 new pods have been updated...',
    );
  });
});
