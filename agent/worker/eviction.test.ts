import { describe, expect, it } from "vitest";
import type { PodStatus } from "../../shared/api-types.js";
import { evictedStatus } from "./eviction.js";

describe("evictedStatus", () => {
  it("fails the pod as the kubelet does, its containers terminated", () => {
    const previous: PodStatus = {
      phase: "Running",
      hostIP: "10.0.0.1",
      conditions: [
        { type: "Ready", status: "True" },
        { type: "Initialized", status: "True" },
      ],
      containerStatuses: [
        {
          name: "app",
          state: { running: { startedAt: "2026-12-05T12:00:00Z" } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: "i",
          imageID: "x",
          containerID: "docker://abc",
        },
      ],
    };
    const s = evictedStatus(
      previous,
      'Usage of EmptyDir volume "v" exceeds the limit "1Mi".',
      Date.UTC(2026, 11, 5, 12, 1),
    );
    expect(s).toMatchObject({ phase: "Failed", reason: "Evicted", hostIP: "10.0.0.1" });
    expect(s.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
    expect(s.conditions?.find((c) => c.type === "DisruptionTarget")).toMatchObject({
      status: "True",
      reason: "TerminationByKubelet",
    });
    expect(s.conditions?.find((c) => c.type === "Initialized")?.status).toBe("True");
    expect(s.containerStatuses?.[0]).toMatchObject({
      ready: false,
      state: {
        terminated: {
          exitCode: 137,
          reason: "Error",
          startedAt: "2026-12-05T12:00:00Z",
          finishedAt: "2026-12-05T12:01:00Z",
        },
      },
    });
  });
});
