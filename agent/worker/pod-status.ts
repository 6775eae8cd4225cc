// The pure mapping from what Docker reports (plus the worker's pull errors and back-off
// waits) to a Kubernetes PodStatus, worded as the kubelet words it so that `kubectl get
// pods` and `kubectl describe` read the same.

import type {
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import type { ObservedContainer } from "../runtime/container-runtime.js";
import { parseLabels, SANDBOX } from "../runtime/labels.js";
import { containerKey } from "./container-plan.js";
import { hasProbes, probeSpecsOf, type ProbeView } from "./probe-plan.js";

/** Why a container could not be created: a failed pull, or a config the engine refused. */
export interface PullErrorFact {
  reason:
    | "ErrImagePull"
    | "ErrImageNeverPull"
    | "CreateContainerError"
    | "CreateContainerConfigError"
    | "FailedMount";
  message: string;
}

export interface BackoffFact {
  reason: "CrashLoopBackOff" | "ImagePullBackOff";
  delayMs: number;
}

/** What the worker knows besides the containers, keyed by containerKey(podUid, name). */
export interface StatusFacts {
  hostIP: string;
  pullErrors: Record<string, PullErrorFact>;
  backoffs: Record<string, BackoffFact>;
  now: number;
  /** What the probes say, for the container id each view was computed for. */
  probes?: Record<string, ProbeView & { containerId: string }>;
  /** Why containers were killed for a failed probe, by container id. */
  probeKills?: Record<string, string>;
  /** Why a pod's sandbox could not be made, by pod uid. */
  sandboxErrors?: Record<string, string>;
  /** `<container>: ...` lines of what was left out of a container's env, by pod uid (skipped envFrom keys). */
  envNotices?: Record<string, string[]>;
  /** The status reported before: keeps startTime and transition times stable. */
  previous?: PodStatus;
}

/** Go's duration format, as the kubelet prints back-off delays: 40s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}

function terminatedOf(c: ObservedContainer, facts: StatusFacts): ContainerState {
  const cannotRun = c.state === "created";
  const reason = cannotRun
    ? "ContainerCannotRun"
    : c.oomKilled
      ? "OOMKilled"
      : c.exitCode === 0
        ? "Completed"
        : "Error";
  const t: NonNullable<ContainerState["terminated"]> = {
    exitCode: c.exitCode,
    reason,
    containerID: `docker://${c.id}`,
  };
  if (cannotRun && c.error) t.message = c.error;
  const killedFor = facts.probeKills?.[c.id];
  if (killedFor) t.message = killedFor;
  if (c.startedAt !== undefined) t.startedAt = rfc3339(c.startedAt);
  // A container the engine could not start has no finish time: it failed on creation.
  const finishedAt = c.finishedAt ?? (cannotRun ? c.createdAt : undefined);
  if (finishedAt !== undefined) t.finishedAt = rfc3339(finishedAt);
  return { terminated: t };
}

function isDead(c: ObservedContainer): boolean {
  return c.state === "exited" || (c.state === "created" && !!c.error);
}

function containerStatus(
  pod: Pod,
  spec: Pod["spec"]["containers"][number],
  attempts: { c: ObservedContainer; count: number }[],
  facts: StatusFacts,
): ContainerStatus {
  const uid = pod.metadata.uid ?? "";
  const key = containerKey(uid, spec.name);
  const sorted = [...attempts].sort((a, b) => b.count - a.count || b.c.createdAt - a.c.createdAt);
  const current = sorted.find((a) => a.c.state === "running") ?? sorted[0];
  const previous = sorted.find((a) => a !== current && isDead(a.c));
  const image = spec.image ?? "";
  const status: ContainerStatus = {
    name: spec.name,
    state: {},
    lastState: previous ? terminatedOf(previous.c, facts) : {},
    ready: false,
    started: false,
    restartCount: current?.count ?? 0,
    image,
    imageID: current?.c.imageId ? `docker://${current.c.imageId}` : "",
  };
  if (current) status.containerID = `docker://${current.c.id}`;
  const backoff = facts.backoffs[key];
  const pullError = facts.pullErrors[key];
  if (backoff?.reason === "CrashLoopBackOff" && current) {
    const podRef = `${pod.metadata.name ?? ""}_${pod.metadata.namespace ?? "default"}(${uid})`;
    status.state = {
      waiting: {
        reason: "CrashLoopBackOff",
        message: `back-off ${goDuration(backoff.delayMs)} restarting failed container=${spec.name} pod=${podRef}`,
      },
    };
    status.lastState = terminatedOf(current.c, facts);
  } else if (backoff?.reason === "ImagePullBackOff") {
    status.state = { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } };
  } else if (facts.sandboxErrors?.[uid] && !current) {
    status.state = { waiting: { reason: "ContainerCreating", message: facts.sandboxErrors[uid] } };
  } else if (pullError && (!current || isDead(current.c))) {
    // A volume that cannot be set up keeps the container creating, as on a kubelet.
    const reason = pullError.reason === "FailedMount" ? "ContainerCreating" : pullError.reason;
    status.state = { waiting: { reason, message: pullError.message } };
    // A restart that could not get its image (or be created): the attempt before is the last state.
    if (current) status.lastState = terminatedOf(current.c, facts);
  } else if (current?.c.state === "running") {
    status.state = {
      running: current.c.startedAt !== undefined ? { startedAt: rfc3339(current.c.startedAt) } : {},
    };
    // Without probes a running container is started and ready; with them, the probes say.
    const specs = probeSpecsOf(spec);
    const view = facts.probes?.[key];
    const probed = view?.containerId === current.c.id ? view : undefined;
    status.started = probed ? probed.started : !specs.startup;
    status.ready = probed ? probed.ready : !hasProbes(specs) || (!specs.startup && !specs.readiness);
  } else if (current && isDead(current.c)) {
    status.state = terminatedOf(current.c, facts);
  } else {
    status.state = { waiting: { reason: "ContainerCreating" } };
  }
  return status;
}

function condition(
  type: string,
  ok: boolean,
  facts: StatusFacts,
  reason?: string,
  message?: string,
): PodCondition {
  const status = ok ? "True" : "False";
  const before = facts.previous?.conditions?.find((c) => c.type === type);
  const c: PodCondition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime:
      before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(facts.now),
  };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

/**
 * `<container>: Readiness probe failed: ...` for each running container whose last readiness
 * check failed: Kubernetes has no status field for it, and the control plane turns new lines
 * into Unhealthy events.
 */
function readinessFailures(uid: string, statuses: ContainerStatus[], facts: StatusFacts): string[] {
  const out: string[] = [];
  for (const s of statuses) {
    const view = facts.probes?.[containerKey(uid, s.name)];
    if (!s.state.running || !view?.readinessMessage) continue;
    if (s.containerID === `docker://${view.containerId}`) out.push(`${s.name}: ${view.readinessMessage}`);
  }
  return out;
}

/**
 * The pod's IP: the node's with hostNetwork, else its running sandbox's (its containers share
 * that network namespace); undefined while it has none.
 */
export function podIPOf(pod: Pod, observed: ObservedContainer[], hostIP: string): string | undefined {
  if (pod.spec.hostNetwork === true) return hostIP;
  const sandbox = observed.find((c) => {
    const id = parseLabels(c.labels);
    return (
      id !== undefined && id.podUid === pod.metadata.uid && id.container === SANDBOX && c.state === "running"
    );
  });
  return sandbox?.ipAddress || undefined;
}

/** The status of one pod from its observed containers and the worker's facts. */
export function podStatusFor(pod: Pod, observed: ObservedContainer[], facts: StatusFacts): PodStatus {
  const uid = pod.metadata.uid ?? "";
  const byName = new Map<string, { c: ObservedContainer; count: number }[]>();
  for (const c of observed) {
    const id = parseLabels(c.labels);
    if (!id || id.podUid !== uid) continue;
    const list = byName.get(id.container) ?? [];
    list.push({ c, count: id.restartCount });
    byName.set(id.container, list);
  }
  // Init containers: done once exited 0 in the running sandbox (a new sandbox runs them
  // again); a sidecar (restartPolicy Always) once it runs.
  const sandboxId = observed.find((c) => {
    const id = parseLabels(c.labels);
    return id?.podUid === uid && id.container === SANDBOX && c.state === "running";
  })?.id;
  const initSpecs = pod.spec.initContainers ?? [];
  const initStatuses = initSpecs.map((spec) =>
    containerStatus(pod, spec, byName.get(spec.name) ?? [], facts),
  );
  const incomplete = initSpecs
    .filter((spec, i) => {
      if (spec.restartPolicy === "Always") return !initStatuses[i]?.state.running;
      const done = (byName.get(spec.name) ?? []).some(
        (a) => a.c.state === "exited" && a.c.exitCode === 0 && parseLabels(a.c.labels)?.sandbox === sandboxId,
      );
      if (done && initStatuses[i]) initStatuses[i].ready = true;
      return !done;
    })
    .map((spec) => spec.name);
  const initialized = incomplete.length === 0;
  const statuses = pod.spec.containers.map((spec) => {
    const st = containerStatus(pod, spec, byName.get(spec.name) ?? [], facts);
    if (!initialized && st.state.waiting?.reason === "ContainerCreating" && !st.state.waiting.message)
      st.state = { waiting: { reason: "PodInitializing" } };
    return st;
  });
  const everStarted = pod.spec.containers.every((spec) =>
    (byName.get(spec.name) ?? []).some((a) => a.c.startedAt !== undefined),
  );
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = unready.length === 0;
  const notReadyMsg = `containers with unready status: [${unready.join(" ")}]`;

  const podIP = podIPOf(pod, observed, facts.hostIP);
  const status: PodStatus = {
    phase: everStarted && initialized ? "Running" : "Pending",
    conditions: [
      condition("PodReadyToStartContainers", true, facts),
      condition(
        "Initialized",
        initialized,
        facts,
        "ContainersNotInitialized",
        `containers with incomplete status: [${incomplete.join(" ")}]`,
      ),
      condition("Ready", allReady, facts, "ContainersNotReady", notReadyMsg),
      condition("ContainersReady", allReady, facts, "ContainersNotReady", notReadyMsg),
      condition("PodScheduled", true, facts),
    ],
    hostIP: facts.hostIP,
    hostIPs: [{ ip: facts.hostIP }],
    // Unknown until the sandbox runs: left out, as the kubelet does.
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: facts.previous?.startTime ?? pod.status?.startTime ?? rfc3339(facts.now),
    containerStatuses: statuses,
  };
  if (initSpecs.length > 0) status.initContainerStatuses = initStatuses;
  const failing = [...readinessFailures(uid, statuses, facts), ...(facts.envNotices?.[uid] ?? [])];
  if (failing.length > 0) status.message = failing.join("\n");
  return status;
}
