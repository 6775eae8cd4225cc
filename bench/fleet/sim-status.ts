// The status a simulated pod reports, made by the real agent's pure mapping (pod-status.ts)
// from containers that exist only here, labelled as the agent labels its Docker containers.
// So the control plane gets exactly the shapes a real agent sends: ContainerCreating while
// "starting", then Running and Ready, or a crash loop for a pod chosen to fail.

import { createHash, randomBytes } from "node:crypto";
import type { Pod, PodStatus } from "../../shared/api-types.js";
import type { ObservedContainer } from "../../agent/runtime/container-runtime.js";
import { buildLabels, containerName, containerSpecHash } from "../../agent/runtime/labels.js";
import { containerKey } from "../../agent/worker/container-plan.js";
import { podStatusFor, type BackoffFact } from "../../agent/worker/pod-status.js";

export type SimPodState = "creating" | "running" | "crashing";

export interface SimHost {
  nodeName: string;
  hostIP: string;
  /** The IP a pod's containers get when it is not on the host network. */
  podIP: string;
}

function imageId(image: string): string {
  return `sha256:${createHash("sha256").update(image).digest("hex")}`;
}

/** The containers the agent would observe for the pod in that state. */
function observedFor(pod: Pod, host: SimHost, state: SimPodState, now: number): ObservedContainer[] {
  if (state === "creating") return [];
  return pod.spec.containers.map((c) => ({
    id: randomBytes(32).toString("hex"),
    name: containerName(pod, c, 0),
    labels: buildLabels(pod, c, host.nodeName, 0, containerSpecHash(pod, c)),
    image: c.image ?? "",
    imageId: imageId(c.image ?? ""),
    state: state === "running" ? "running" : "exited",
    exitCode: state === "running" ? 0 : 1,
    createdAt: now - 50,
    startedAt: now - 40,
    ...(state === "crashing" ? { finishedAt: now } : {}),
    oomKilled: false,
    ipAddress: host.podIP,
  }));
}

/** The pod's status in `state`, as the agent's worker would report it. */
export function simulatedStatus(
  pod: Pod,
  host: SimHost,
  state: SimPodState,
  now: number,
  previous?: PodStatus,
): PodStatus {
  const backoffs: Record<string, BackoffFact> = {};
  if (state === "crashing") {
    for (const c of pod.spec.containers) {
      backoffs[containerKey(pod.metadata.uid ?? "", c.name)] = {
        reason: "CrashLoopBackOff",
        delayMs: 10_000,
      };
    }
  }
  return podStatusFor(pod, observedFor(pod, host, state, now), {
    hostIP: host.hostIP,
    pullErrors: {},
    backoffs,
    now,
    ...(previous ? { previous } : {}),
  });
}

/** Whether a status says the pod is Ready. */
export function isReadyStatus(status: PodStatus): boolean {
  return status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}
