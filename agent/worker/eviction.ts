// The status of a pod the agent evicted (an emptyDir over its sizeLimit), as the kubelet
// reports one: phase Failed, reason Evicted, its message, a DisruptionTarget condition, not
// ready, and every container terminated. The DaemonSet controller then replaces it as any
// failed pod. Pure.

import type { ContainerStatus, PodCondition, PodStatus } from "../../shared/api-types.js";

function terminated(c: ContainerStatus, now: string): ContainerStatus {
  const running = c.state.running;
  if (c.state.terminated) return { ...c, ready: false, started: false };
  return {
    ...c,
    ready: false,
    started: false,
    state: {
      terminated: {
        exitCode: 137,
        reason: running ? "Error" : "ContainerStatusUnknown",
        ...(running?.startedAt ? { startedAt: running.startedAt } : {}),
        finishedAt: now,
        ...(c.containerID ? { containerID: c.containerID } : {}),
      },
    },
  };
}

export function evictedStatus(previous: PodStatus | undefined, message: string, nowMs: number): PodStatus {
  const now = new Date(nowMs).toISOString().replace(/\.\d+Z$/, "Z");
  const notReady = (type: string): PodCondition => ({
    type,
    status: "False",
    lastTransitionTime: now,
    reason: "PodFailed",
  });
  const kept = (previous?.conditions ?? []).filter(
    (c) => !["Ready", "ContainersReady", "DisruptionTarget"].includes(c.type),
  );
  const status: PodStatus = {
    ...previous,
    phase: "Failed",
    reason: "Evicted",
    message,
    conditions: [
      ...kept,
      notReady("Ready"),
      notReady("ContainersReady"),
      {
        type: "DisruptionTarget",
        status: "True",
        lastTransitionTime: now,
        reason: "TerminationByKubelet",
        message,
      },
    ],
  };
  if (previous?.containerStatuses)
    status.containerStatuses = previous.containerStatuses.map((c) => terminated(c, now));
  if (previous?.initContainerStatuses)
    status.initContainerStatuses = previous.initContainerStatuses.map((c) => terminated(c, now));
  return status;
}
