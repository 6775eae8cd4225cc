import { describe, expect, it } from "vitest";
import type { PodStatus } from "../../shared/api-types.js";
import { POD_STATUS_LIMITS } from "../../shared/limits.js";
import { validatePodStatus } from "../../control-plane/kube/index.js";
import { fitPodStatus } from "./status-bounds.js";

describe("fitPodStatus", () => {
  it("leaves a status within the limits as it is", () => {
    const status: PodStatus = {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True", lastProbeTime: null }],
      containerStatuses: [
        {
          name: "web",
          state: { running: { startedAt: "2026-01-01T00:00:00Z" } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: "nginx",
          imageID: "",
        },
      ],
    };
    expect(fitPodStatus(status)).toEqual(status);
  });

  it("cuts what containers and probes print until the control plane accepts it", () => {
    const huge = "é".repeat(100_000);
    const status: PodStatus = {
      phase: "Running",
      message: huge,
      conditions: [{ type: "Ready", status: "False", reason: huge, message: huge }],
      containerStatuses: [
        {
          name: "web",
          state: { waiting: { reason: "CrashLoopBackOff", message: huge } },
          lastState: { terminated: { exitCode: 1, message: huge } },
          ready: false,
          restartCount: 3,
          image: huge,
          imageID: "",
        },
      ],
    };
    expect(validatePodStatus(status, "status", { strict: true })).not.toEqual([]);
    const fitted = fitPodStatus(status);
    expect(validatePodStatus(fitted, "status", { strict: true })).toEqual([]);
    expect(Buffer.byteLength(fitted.message ?? "")).toBeLessThanOrEqual(POD_STATUS_LIMITS.message);
    expect(fitted.containerStatuses?.[0]?.lastState.terminated?.exitCode).toBe(1);
  });
});
