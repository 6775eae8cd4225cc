import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { ContainerRecords } from "./container-records.js";
import type { ExecutorOutcome } from "./executor.js";

const KEY = "p1/web";
const pullFailed = (reason: "ErrImagePull" | "ErrImageNeverPull"): ExecutorOutcome => ({
  type: "pull-failed",
  key: KEY,
  error: { reason, message: "not found" },
});

function recorded(...outcomes: ExecutorOutcome[]): { r: ContainerRecords; clock: FakeClock } {
  const clock = new FakeClock(0);
  const r = new ContainerRecords("n1", clock);
  for (const o of outcomes) r.record(o);
  return { r, clock };
}

describe("ContainerRecords", () => {
  it("a failed pull shows its error once as fresh and backs off 10 s, then 20 s", () => {
    const { r } = recorded(pullFailed("ErrImagePull"));
    expect(r.pullErrors[KEY]).toEqual({ reason: "ErrImagePull", message: "not found" });
    expect(r.isFreshPullFailure(KEY)).toBe(true);
    r.clearFreshPullFailures();
    expect(r.isFreshPullFailure(KEY)).toBe(false);
    expect(r.restartState.pull.get(KEY)).toEqual({ failures: 1, lastFailureAt: 0, delayMs: 10_000 });
    r.record(pullFailed("ErrImagePull"));
    expect(r.restartState.pull.get(KEY)?.delayMs).toBe(20_000);
  });

  it("an image that must not be pulled is no back-off, only an error", () => {
    const { r } = recorded(pullFailed("ErrImageNeverPull"));
    expect(r.pullErrors[KEY]?.reason).toBe("ErrImageNeverPull");
    expect(r.restartState.pull.get(KEY)).toBeUndefined();
    expect(r.isFreshPullFailure(KEY)).toBe(false);
  });

  it("a pull that works ends the streak and the error", () => {
    const { r } = recorded(pullFailed("ErrImagePull"), { type: "pulled", key: KEY });
    expect(r.pullErrors[KEY]).toBeUndefined();
    expect(r.restartState.pull.get(KEY)).toBeUndefined();
  });

  it("a create that fails is shown; one that works clears it", () => {
    const { r } = recorded({
      type: "create-failed",
      key: KEY,
      error: { reason: "CreateContainerConfigError", message: "bad mount" },
    });
    expect(r.pullErrors[KEY]?.reason).toBe("CreateContainerConfigError");
    r.record({ type: "created", key: KEY });
    expect(r.pullErrors[KEY]).toBeUndefined();
  });

  it("counts restarts in a crash streak; a first restart starts a new streak", () => {
    const { r } = recorded(
      { type: "created", key: KEY, restartStep: 1 },
      { type: "created", key: KEY, restartStep: 2 },
      { type: "created", key: KEY, restartStep: 3 },
    );
    expect(r.restartState.crash.get(KEY)).toMatchObject({ failures: 3, delayMs: 40_000 });
    r.record({ type: "created", key: KEY, restartStep: 1 });
    expect(r.restartState.crash.get(KEY)).toMatchObject({ failures: 1, delayMs: 10_000 });
  });

  it("keeps why a container was killed while the container exists", () => {
    const { r } = recorded({ type: "killing", containerId: "c1", message: "Liveness probe failed" });
    r.keepKillsOf(new Set(["c1", "c2"]));
    expect(r.probeKills).toEqual({ c1: "Liveness probe failed" });
    r.keepKillsOf(new Set(["c2"]));
    expect(r.probeKills).toEqual({});
  });

  it("forgets everything of a pod that left the node, and nothing of the others", () => {
    const other = "p2/web";
    const { r } = recorded(
      pullFailed("ErrImagePull"),
      { type: "created", key: KEY, restartStep: 1 },
      { type: "created", key: other, restartStep: 1 },
      { type: "pod-removed", podUid: "p1" },
    );
    expect(r.restartState.crash.get(KEY)).toBeUndefined();
    expect(r.restartState.pull.get(KEY)).toBeUndefined();
    expect(r.pullErrors).toEqual({});
    expect(r.restartState.crash.get(other)).toBeDefined();
  });
});
