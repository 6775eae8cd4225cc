// A reported pod status applied to the stored pod, and the kubelet-style events that the
// change implies (what `kubectl describe pod` lists). Pure.

import type { ContainerStatus, Pod, PodStatus } from "../../shared/api-types.js";

/**
 * The pod's next status: the agent's report, except the PodScheduled condition, which the
 * control plane set when it bound the pod and the agent does not own.
 */
export function mergeReportedStatus(current: PodStatus | undefined, reported: PodStatus): PodStatus {
  const next = structuredClone(reported);
  const scheduled = current?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled) {
    next.conditions = [
      ...(next.conditions ?? []).filter((c) => c.type !== "PodScheduled"),
      structuredClone(scheduled),
    ];
  }
  return next;
}

/** One event to record about a pod. */
export interface PodStatusEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** `spec.containers{name}`, as the kubelet fills involvedObject.fieldPath. */
  fieldPath: string;
}

const IMAGE_PULL_FAILURES = new Set(["ErrImagePull", "ImagePullBackOff"]);

function sameInstance(a: ContainerStatus | undefined, b: ContainerStatus): boolean {
  return a !== undefined && a.restartCount === b.restartCount && a.containerID === b.containerID;
}

/** The events a status change implies, container by container. */
export function podStatusEvents(
  pod: Pod,
  previous: PodStatus | undefined,
  next: PodStatus,
): PodStatusEvent[] {
  const out: PodStatusEvent[] = [];
  const before = new Map((previous?.containerStatuses ?? []).map((c) => [c.name, c]));
  const podRef = `${pod.metadata.name ?? ""}_${pod.metadata.namespace ?? ""}(${pod.metadata.uid ?? ""})`;
  for (const status of next.containerStatuses ?? []) {
    const prev = before.get(status.name);
    const fieldPath = `spec.containers{${status.name}}`;
    const spec = pod.spec.containers.find((c) => c.name === status.name);
    const image = spec?.image ?? status.image;
    // With imagePullPolicy Always the agent pulls before every start, as a kubelet does.
    const pulls = spec?.imagePullPolicy === "Always";
    const pulling: PodStatusEvent = {
      type: "Normal",
      reason: "Pulling",
      message: `Pulling image "${image}"`,
      fieldPath,
    };
    if (status.state.running && !(prev?.state.running && sameInstance(prev, status))) {
      if (pulls) out.push(pulling);
      out.push(
        {
          type: "Normal",
          reason: "Pulled",
          message: pulls
            ? `Successfully pulled image "${image}"`
            : `Container image "${image}" already present on machine`,
          fieldPath,
        },
        { type: "Normal", reason: "Created", message: `Created container ${status.name}`, fieldPath },
        { type: "Normal", reason: "Started", message: `Started container ${status.name}`, fieldPath },
      );
    }
    const waiting = status.state.waiting?.reason;
    const wasWaiting = prev?.state.waiting?.reason;
    if (waiting === "CrashLoopBackOff" && !(wasWaiting === waiting && sameInstance(prev, status))) {
      out.push({
        type: "Warning",
        reason: "BackOff",
        message: `Back-off restarting failed container ${status.name} in pod ${podRef}`,
        fieldPath,
      });
    }
    if (waiting && IMAGE_PULL_FAILURES.has(waiting) && wasWaiting !== waiting) {
      const detail = status.state.waiting?.message;
      if (waiting === "ErrImagePull") out.push(pulling);
      out.push({
        type: "Warning",
        reason: "Failed",
        message:
          waiting === "ErrImagePull"
            ? `Failed to pull image "${image}"${detail ? `: ${detail}` : ""}`
            : `Error: ${waiting}${detail ? `: ${detail}` : ""}`,
        fieldPath,
      });
    }
  }
  return out;
}
