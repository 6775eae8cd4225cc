// `kubectl get pods` columns. The Status cell follows kubectl's rules: the phase, replaced by
// an init or app container's waiting/terminated reason (ContainerCreating, CrashLoopBackOff,
// ErrImagePull, Completed, Error, ...), then Terminating or Unknown for deleted pods.

import type { Container, ContainerStatus, Pod, PodCondition } from "../../../shared/api-types.js";
import {
  ageColumn,
  ageSince,
  column,
  nameColumn,
  orNone,
  type Printer,
  type TableRowCondition,
} from "./table-types.js";

// Fields the shared types leave out, read here only.
type PodLike = Pod & {
  spec: Pod["spec"] & { readinessGates?: { conditionType: string }[] };
  status?: Pod["status"] & { initContainerStatuses?: ContainerStatus[]; nominatedNodeName?: string };
};

const NODE_UNREACHABLE_REASON = "NodeLost";

/** A sidecar: an init container that keeps running (restartPolicy Always). */
function isSidecar(c: Container | undefined): boolean {
  return c?.["restartPolicy"] === "Always";
}

function finishedAt(s: ContainerStatus): number {
  const t = s.lastState?.terminated?.finishedAt;
  return t ? Date.parse(t) || 0 : 0;
}

function conditionTrue(conditions: PodCondition[] | undefined, type: string): boolean {
  return conditions?.some((c) => c.type === type && c.status === "True") ?? false;
}

interface Summary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  lastRestart: number;
}

/** Ready count, status reason and restarts, as kubectl's pod printer computes them. */
export function summarizePod(pod: PodLike): Summary {
  const status = pod.status ?? {};
  const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  let total = pod.spec.containers?.length ?? 0;
  for (const c of initSpecs.values()) if (isSidecar(c)) total++;
  let ready = 0;
  let reason: string = status.reason || status.phase || "";
  if (status.conditions?.some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated"))
    reason = "SchedulingGated";

  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let sidecarLastRestart = 0;
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (const [i, c] of initStatuses.entries()) {
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c));
    const sidecar = isSidecar(initSpecs.get(c.name));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      sidecarLastRestart = Math.max(sidecarLastRestart, finishedAt(c));
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, "Initialized")) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Backwards, so that the first container's reason wins, as in kubectl.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      if (!c) continue;
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const { waiting, terminated, running } = c.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated)
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning)
      reason = conditionTrue(status.conditions, "Ready") ? "Running" : "NotReady";
  }

  const terminal = status.phase === "Succeeded" || status.phase === "Failed";
  if (pod.metadata.deletionTimestamp && status.reason === NODE_UNREACHABLE_REASON) reason = "Unknown";
  else if (pod.metadata.deletionTimestamp && !terminal) reason = "Terminating";
  return { ready, total, reason, restarts, lastRestart };
}

function readinessGates(pod: PodLike): string {
  const gates = pod.spec.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  const conditions = pod.status?.conditions ?? [];
  const met = gates.filter(
    (g) => conditions.find((c) => c.type === g.conditionType)?.status === "True",
  ).length;
  return `${met}/${gates.length}`;
}

/** The pod table: Name, Ready, Status, Restarts, Age; wide: IP, Node, Nominated Node, Readiness Gates. */
export const podPrinter: Printer<Pod> = {
  columns: [
    nameColumn("Name"),
    column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    column("Status", "The aggregate status of the containers in this pod."),
    column(
      "Restarts",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    ageColumn(),
    column("IP", "IP address allocated to the pod.", { wide: true }),
    column("Node", "Name of the Node this pod is running on.", { wide: true }),
    column("Nominated Node", "Nominated node", { wide: true }),
    column("Readiness Gates", "Readiness gates", { wide: true }),
  ],
  cells(p, now) {
    const pod = p as PodLike;
    const s = summarizePod(pod);
    const restarts =
      s.restarts !== 0 && s.lastRestart > 0
        ? `${s.restarts} (${ageSince(new Date(s.lastRestart).toISOString(), now)} ago)`
        : String(s.restarts);
    return [
      pod.metadata.name ?? "",
      `${s.ready}/${s.total}`,
      s.reason,
      restarts,
      ageSince(pod.metadata.creationTimestamp, now),
      orNone(pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP),
      orNone(pod.spec.nodeName),
      orNone(pod.status?.nominatedNodeName),
      readinessGates(pod),
    ];
  },
  conditions(pod): TableRowCondition[] | undefined {
    const phase = pod.status?.phase;
    if (phase === "Succeeded")
      return [
        {
          type: "Completed",
          status: "True",
          reason: "Succeeded",
          message: "The pod has completed successfully.",
        },
      ];
    if (phase === "Failed")
      return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
    return undefined;
  },
};
