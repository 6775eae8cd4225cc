import { describe, expect, it } from "vitest";
import type { DaemonSet, DaemonSetRolloutStatus } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { daemonPod } from "./test-builders.js";
import { findRolloutFailure } from "./rollout-failures.js";
import type { RolloutFacts } from "./rollout-state.js";
import { decideRollout, rolloutStatus } from "./rollout-state.js";
import { daemonSet } from "./test-builders.js";

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

function ds(
  ru: Record<string, unknown> = {},
  rollout?: Partial<DaemonSetRolloutStatus>,
  progressingReason?: string,
): DaemonSet {
  const d = daemonSet(
    {},
    { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, ...ru } } },
  );
  d.status = {
    currentNumberScheduled: 4,
    numberMisscheduled: 0,
    desiredNumberScheduled: 4,
    numberReady: 4,
  };
  if (rollout)
    d.status.rollout = {
      updateRevision: 2,
      updateHash: "new",
      updatedNodes: 1,
      oldNodes: 3,
      heldBackNodes: 0,
      updatedAvailableNodes: 1,
      lastProgressTime: rfc3339(T0),
      ...rollout,
    };
  if (progressingReason)
    d.status.conditions = [{ type: "Progressing", status: "True", reason: progressingReason }];
  return d;
}

const facts = (f: Partial<RolloutFacts> = {}): RolloutFacts => ({
  hash: "new",
  revision: 2,
  stable: { hash: "old", revision: 1 },
  desired: 4,
  updated: 1,
  updatedAvailable: 1,
  oldNodes: 3,
  heldBack: 0,
  unavailable: 1,
  maxUnavailable: 1,
  complete: false,
  waitingForPartition: false,
  autoPause: true,
  ...f,
});
const SECOND = 1000;

describe("decideRollout: progress deadline and automatic rollback", () => {
  it("waits until the deadline and asks to be woken then", () => {
    const d = decideRollout(ds({ progressDeadlineSeconds: 60 }, {}, "RollingOut"), facts(), T0 + 30 * SECOND);
    expect(d.specChange).toBeUndefined();
    expect(d.recheckAt).toBe(T0 + 60 * SECOND);
    expect(d.events).toEqual([]);
  });

  it("past the deadline without autoRollback: stops the rollout (paused) with ProgressDeadlineExceeded", () => {
    const d = decideRollout(ds({ progressDeadlineSeconds: 60 }, {}, "RollingOut"), facts(), T0 + 61 * SECOND);
    expect(d.specChange).toEqual({ paused: true });
    expect(d.state.stop).toMatchObject({ hash: "new", reason: "ProgressDeadlineExceeded", active: true });
    expect(d.events.map((e) => e.reason)).toEqual(["ProgressDeadlineExceeded"]);
    const shown = rolloutStatus(ds(), d.state, facts(), T0 + 61 * SECOND);
    expect(shown.conditions[0]).toMatchObject({
      type: "Progressing",
      status: "False",
      reason: "ProgressDeadlineExceeded",
    });
  });

  it("past the deadline with autoRollback: rolls back to the stable revision, with an event", () => {
    const d = decideRollout(
      ds({ progressDeadlineSeconds: 60, autoRollback: true }, {}, "RollingOut"),
      facts(),
      T0 + 61 * SECOND,
    );
    expect(d.specChange).toEqual({ rollbackTo: { hash: "old", revision: 1 } });
    expect(d.state.stop).toMatchObject({ hash: "new", active: false, rolledBackTo: "old" });
    expect(d.events.map((e) => e.reason)).toEqual(["ProgressDeadlineExceeded", "RolledBack"]);
    expect(d.events[1]?.message).toContain("Rolled back to revision 1");
  });

  it("autoRollback without any revision that ran everywhere only stops, and says why", () => {
    const d = decideRollout(
      ds({ progressDeadlineSeconds: 60, autoRollback: true }, {}, "RollingOut"),
      facts({ stable: undefined }),
      T0 + 61 * SECOND,
    );
    expect(d.specChange).toEqual({ paused: true });
    expect(d.state.stop?.message).toContain("no earlier revision");
  });

  it("progress restarts the clock; a user's pause stops it", () => {
    const progressed = decideRollout(
      ds({ progressDeadlineSeconds: 60 }, {}, "RollingOut"),
      facts({ updatedAvailable: 2 }),
      T0 + 61 * SECOND,
    );
    expect(progressed.specChange).toBeUndefined();
    expect(progressed.state.lastProgress).toBe(T0 + 61 * SECOND);
    const paused = decideRollout(
      ds({ progressDeadlineSeconds: 60, paused: true }, {}, "RolloutPaused"),
      facts(),
      T0 + 600 * SECOND,
    );
    expect(paused.specChange).toBeUndefined();
    expect(paused.recheckAt).toBeUndefined();
  });

  it("a rollout held by its partition or complete has no deadline", () => {
    for (const f of [facts({ waitingForPartition: true, heldBack: 2 }), facts({ complete: true })]) {
      const d = decideRollout(ds({ progressDeadlineSeconds: 60 }, {}, "RollingOut"), f, T0 + 600 * SECOND);
      expect(d.specChange).toBeUndefined();
    }
  });

  it("a complete rollout becomes the stable revision", () => {
    const d = decideRollout(ds({}, {}), facts({ complete: true }), T0);
    expect(d.state.stable).toEqual({ hash: "new", revision: 2 });
  });
});

describe("decideRollout: auto-pause and resume", () => {
  const failure = {
    node: "n2",
    pod: "web-x",
    message: "pod web-x on node n2: container web restarted 3 times",
  };

  it("pauses on a failing new pod while old pods remain, once per revision", () => {
    const d = decideRollout(ds({}, {}, "RollingOut"), facts({ failure }), T0);
    expect(d.specChange).toEqual({ paused: true });
    expect(d.state.stop).toMatchObject({ reason: "AutoPaused", active: true, hash: "new" });
    expect(d.events[0]).toMatchObject({ type: "Warning", reason: "RolloutAutoPaused" });
    // Resumed by the user: not paused again for the same revision.
    const resumed = decideRollout(
      ds({}, { stop: { ...d.state.stop!, active: true } }, "AutoPaused"),
      facts({ failure }),
      T0 + SECOND,
    );
    expect(resumed.specChange).toBeUndefined();
    expect(resumed.state.stop?.active).toBe(false);
  });

  it("with autoPause disabled, or nothing left to replace, does not pause", () => {
    expect(decideRollout(ds({}, {}), facts({ failure, autoPause: false }), T0).specChange).toBeUndefined();
    expect(decideRollout(ds({}, {}), facts({ failure, oldNodes: 0 }), T0).specChange).toBeUndefined();
  });

  it("a new template lifts the controller's own pause", () => {
    const stop = { hash: "bad", reason: "AutoPaused", message: "m", time: rfc3339(T0), active: true };
    const d = decideRollout(ds({ paused: true }, { stop, updateHash: "bad" }, "AutoPaused"), facts(), T0);
    expect(d.specChange).toEqual({ paused: false });
    expect(d.state.paused).toBe(false);
    expect(d.events[0]?.reason).toBe("RolloutResumed");
  });

  it("the deadline keeps running while the controller holds the pause, and then rolls back", () => {
    const stop = { hash: "new", reason: "AutoPaused", message: "m", time: rfc3339(T0), active: true };
    const d = decideRollout(
      ds({ paused: true, autoRollback: true, progressDeadlineSeconds: 60 }, { stop }, "AutoPaused"),
      facts({ failure }),
      T0 + 61 * SECOND,
    );
    expect(d.specChange).toEqual({ paused: false, rollbackTo: { hash: "old", revision: 1 } });
  });
});

describe("findRolloutFailure", () => {
  const settings = { enabled: true, maxRestarts: 3, maxNotReadySeconds: 60 };
  const crashing = (restarts: number, reason?: string) => {
    const p = daemonPod("web-x", "n2", { hash: "new", ready: false, readySince: T0 });
    p.status = {
      ...p.status,
      containerStatuses: [
        {
          name: "web",
          state: reason ? { waiting: { reason } } : { running: {} },
          lastState: {},
          ready: false,
          restartCount: restarts,
          image: "",
          imageID: "",
        },
      ],
    };
    return p;
  };

  it.each([
    [3, "CrashLoopBackOff", "restarted 3 times (CrashLoopBackOff)"],
    [0, "ImagePullBackOff", "is ImagePullBackOff"],
  ])("restarts %i, waiting %s: fails", (restarts, reason, text) => {
    expect(findRolloutFailure([crashing(restarts, reason)], settings, T0).failure?.message).toContain(text);
  });

  it("a pod not Ready past the threshold fails; before it, a re-check is asked for", () => {
    expect(findRolloutFailure([crashing(0)], settings, T0 + 30 * SECOND)).toEqual({
      recheckAt: T0 + 60 * SECOND,
    });
    expect(findRolloutFailure([crashing(0)], settings, T0 + 60 * SECOND).failure?.message).toContain(
      "not Ready for more than 60s",
    );
  });
});
