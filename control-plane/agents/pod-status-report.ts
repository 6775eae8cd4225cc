// A reported pod status applied to the stored pod, and the kubelet-style events that the
// change implies (what `kubectl describe pod` lists). Pure.

import type { ContainerStatus, Pod, PodStatus } from "../../shared/api-types.js";

/**
 * The pod's next status: the agent's report, except the PodScheduled condition, which the
 * control plane set when it bound the pod and the agent does not own. Neither input is
 * changed; the result shares their parts (the store copies what it writes).
 */
export function mergeReportedStatus(current: PodStatus | undefined, reported: PodStatus): PodStatus {
  const scheduled = current?.conditions?.find((c) => c.type === "PodScheduled");
  if (!scheduled) return reported;
  return {
    ...reported,
    conditions: [...(reported.conditions ?? []).filter((c) => c.type !== "PodScheduled"), scheduled],
  };
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

const PROBE_KILL = /^(Liveness|Startup) probe failed: /;

/** Ids of containers that ended after a failed liveness or startup probe, per container name. */
function probeKilled(status: PodStatus | undefined): Set<string> {
  const out = new Set<string>();
  for (const c of status?.containerStatuses ?? []) {
    for (const t of [c.state.terminated, c.lastState.terminated]) {
      if (t?.message && PROBE_KILL.test(t.message)) out.add(`${c.name}/${t.containerID ?? ""}`);
    }
  }
  return out;
}

/**
 * `<container>: ...` lines the agent puts in the pod's message, each a Warning event when
 * new: failed readiness probes, and envFrom keys skipped as no variable names.
 */
const MESSAGE_LINES: { line: RegExp; reason: string }[] = [
  { line: /^[^:\s]+: Readiness probe failed: /, reason: "Unhealthy" },
  { line: /^[^:\s]+: Keys \[.*\] from the EnvFrom /, reason: "InvalidEnvironmentVariableNames" },
];

function messageLines(status: PodStatus | undefined): Set<string> {
  const lines = (status?.message ?? "").split("\n");
  return new Set(lines.filter((l) => MESSAGE_LINES.some((m) => m.line.test(l))));
}

/** Waiting reasons and messages that need the user, and the Warning event each gives (as the kubelet words it). */
const FAILURE_EVENTS: {
  when: (reason: string, message: string) => boolean;
  event: string;
  error: boolean;
}[] = [
  {
    when: (r) => r === "CreateContainerConfigError" || r === "CreateContainerError",
    event: "Failed",
    error: true,
  },
  { when: (r) => r === "ContainerCannotRun", event: "Failed", error: true },
  {
    when: (r, m) => r === "ContainerCreating" && m.startsWith("MountVolume."),
    event: "FailedMount",
    error: false,
  },
  {
    when: (r, m) => r === "ContainerCreating" && m.startsWith("Failed to create pod sandbox"),
    event: "FailedCreatePodSandBox",
    error: false,
  },
];

/** What a container waits on or died of, with the attempt it concerns: `reason|message|containerID`. */
function failureFacts(c: ContainerStatus | undefined): { reason: string; message: string; key: string }[] {
  const out: { reason: string; message: string; key: string }[] = [];
  const waiting = c?.state.waiting;
  if (waiting?.reason && waiting.message)
    out.push({
      reason: waiting.reason,
      message: waiting.message,
      key: `${waiting.reason}|${waiting.message}|${c?.containerID ?? ""}`,
    });
  for (const t of [c?.state.terminated, c?.lastState.terminated]) {
    if (t?.reason && t.message)
      out.push({
        reason: t.reason,
        message: t.message,
        key: `${t.reason}|${t.message}|${t.containerID ?? ""}`,
      });
  }
  return out;
}

/** Warning events for what a container waits on (or died of) that the user must fix, once per new fact. */
function failureEvents(
  prev: ContainerStatus | undefined,
  status: ContainerStatus,
  fieldPath: string,
): PodStatusEvent[] {
  const seen = new Set(failureFacts(prev).map((f) => f.key));
  const out: PodStatusEvent[] = [];
  for (const f of failureFacts(status)) {
    const rule = FAILURE_EVENTS.find((r) => r.when(f.reason, f.message));
    if (!rule || seen.has(f.key)) continue;
    seen.add(f.key);
    out.push({
      type: "Warning",
      reason: rule.event,
      message: rule.error ? `Error: ${f.message}` : f.message,
      fieldPath,
    });
  }
  return out;
}

/** Unhealthy (and Killing) events for probe failures the agent reported that are new. */
function probeEvents(previous: PodStatus | undefined, next: PodStatus): PodStatusEvent[] {
  const out: PodStatusEvent[] = [];
  const killedBefore = probeKilled(previous);
  for (const c of next.containerStatuses ?? []) {
    const fieldPath = `spec.containers{${c.name}}`;
    for (const t of [c.state.terminated, c.lastState.terminated]) {
      if (!t?.message || !PROBE_KILL.test(t.message)) continue;
      if (killedBefore.has(`${c.name}/${t.containerID ?? ""}`)) continue;
      killedBefore.add(`${c.name}/${t.containerID ?? ""}`);
      const kind = t.message.startsWith("Liveness") ? "liveness" : "startup";
      out.push(
        { type: "Warning", reason: "Unhealthy", message: t.message, fieldPath },
        {
          type: "Normal",
          reason: "Killing",
          message: `Container ${c.name} failed ${kind} probe, will be restarted`,
          fieldPath,
        },
      );
    }
  }
  const linesBefore = messageLines(previous);
  for (const line of messageLines(next)) {
    if (linesBefore.has(line)) continue;
    const name = line.slice(0, line.indexOf(":"));
    const message = line.slice(name.length + 2);
    const reason = MESSAGE_LINES.find((m) => m.line.test(line))?.reason ?? "Unhealthy";
    out.push({ type: "Warning", reason, message, fieldPath: `spec.containers{${name}}` });
  }
  return out;
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
    out.push(...failureEvents(prev, status, fieldPath));
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
  out.push(...probeEvents(previous, next));
  // The node evicted the pod (an emptyDir over its sizeLimit): said once, for the pod.
  if (next.reason === "Evicted" && previous?.reason !== "Evicted")
    out.push({ type: "Warning", reason: "Evicted", message: next.message ?? "", fieldPath: "" });
  return out;
}
