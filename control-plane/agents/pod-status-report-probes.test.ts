import { describe, expect, it } from "vitest";
import type { ContainerStatus, Pod, PodStatus } from "../../shared/api-types.js";
import { podStatusEvents } from "./pod-status-report.js";

const pod: Pod = {
  metadata: { name: "nginx-abc", namespace: "default", uid: "u1" },
  spec: { nodeName: "n1", containers: [{ name: "nginx", image: "nginx:1.25" }] },
};

const LIVENESS = "Liveness probe failed: HTTP probe failed with statuscode: 500";

function cs(over: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    name: "nginx",
    state: { running: { startedAt: "t1" } },
    lastState: {},
    ready: true,
    restartCount: 0,
    image: "nginx:1.25",
    imageID: "",
    containerID: "docker://1",
    ...over,
  };
}

const running = cs();
const killed = cs({
  restartCount: 1,
  containerID: "docker://2",
  lastState: { terminated: { exitCode: 137, reason: "Error", message: LIVENESS, containerID: "docker://1" } },
});
const unready = (message: string): PodStatus => ({
  phase: "Running",
  message,
  containerStatuses: [cs({ ready: false })],
});
const st = (c: ContainerStatus): PodStatus => ({ phase: "Running", containerStatuses: [c] });

describe("podStatusEvents for probes", () => {
  it("records Unhealthy and Killing once when a container was restarted for its liveness probe", () => {
    const events = podStatusEvents(pod, st(running), st(killed));
    expect(events.filter((e) => e.reason === "Unhealthy" || e.reason === "Killing")).toEqual([
      { type: "Warning", reason: "Unhealthy", message: LIVENESS, fieldPath: "spec.containers{nginx}" },
      {
        type: "Normal",
        reason: "Killing",
        message: "Container nginx failed liveness probe, will be restarted",
        fieldPath: "spec.containers{nginx}",
      },
    ]);
    expect(podStatusEvents(pod, st(killed), st(killed))).toEqual([]);
  });

  it.each([
    [
      "a readiness failure appears",
      undefined,
      "nginx: Readiness probe failed: HTTP probe failed with statuscode: 404",
      1,
    ],
    [
      "the same failure again",
      "nginx: Readiness probe failed: HTTP probe failed with statuscode: 404",
      "nginx: Readiness probe failed: HTTP probe failed with statuscode: 404",
      0,
    ],
    [
      "the failure changes",
      "nginx: Readiness probe failed: HTTP probe failed with statuscode: 404",
      "nginx: Readiness probe failed: HTTP probe failed with statuscode: 503",
      1,
    ],
    ["a message that is not a probe failure", undefined, "something else", 0],
  ])("%s → %i Unhealthy event(s)", (_what, before, after, count) => {
    const events = podStatusEvents(pod, before ? unready(before) : st(running), unready(after));
    const unhealthy = events.filter((e) => e.reason === "Unhealthy");
    expect(unhealthy).toHaveLength(count);
    if (count > 0) {
      expect(unhealthy[0]).toEqual({
        type: "Warning",
        reason: "Unhealthy",
        message: after.slice("nginx: ".length),
        fieldPath: "spec.containers{nginx}",
      });
    }
  });

  it("tells skipped envFrom keys once, as InvalidEnvironmentVariableNames", () => {
    const line =
      "nginx: Keys [1st] from the EnvFrom configMap default/app were skipped since they are considered invalid environment variable names.";
    expect(podStatusEvents(pod, st(running), unready(line))).toEqual([
      {
        type: "Warning",
        reason: "InvalidEnvironmentVariableNames",
        message: line.slice("nginx: ".length),
        fieldPath: "spec.containers{nginx}",
      },
    ]);
    expect(podStatusEvents(pod, unready(line), unready(line))).toEqual([]);
  });
});
