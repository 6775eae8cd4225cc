// Auto-pause's signal (Datadog ExtendedDaemonSet's autoPause): a pod of the revision being
// rolled out that crash-loops, restarts too often, cannot get its image, or stays not Ready
// too long. Pure.

import type { DaemonSet, Pod } from "../../shared/api-types.js";
import { isPodReady, podTargetNode } from "./pod-utils.js";

export const AUTO_PAUSE_DEFAULTS = { enabled: true, maxRestarts: 3, maxNotReadySeconds: 300 };

/** Waiting reasons that say the new version cannot start at all. */
const BROKEN = new Set([
  "ImagePullBackOff",
  "ErrImageNeverPull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

export interface RolloutFailure {
  node: string;
  pod: string;
  message: string;
}

export interface AutoPauseSettings {
  enabled: boolean;
  maxRestarts: number;
  maxNotReadySeconds: number;
}

export function autoPauseSettings(ds: DaemonSet): AutoPauseSettings {
  const a = ds.spec.updateStrategy?.rollingUpdate?.autoPause;
  return {
    enabled: a?.enabled ?? AUTO_PAUSE_DEFAULTS.enabled,
    maxRestarts: a?.maxRestarts ?? AUTO_PAUSE_DEFAULTS.maxRestarts,
    maxNotReadySeconds: a?.maxNotReadySeconds ?? AUTO_PAUSE_DEFAULTS.maxNotReadySeconds,
  };
}

/** Since when the pod has been not Ready: the Ready condition's transition, else its creation. */
function notReadySince(pod: Pod): number | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  const t = Date.parse(ready?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? "");
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The first failing pod among `pods` (update-revision pods on reachable nodes, in node
 * order), and when a not-Ready pod would cross the threshold (for a re-check).
 */
export function findRolloutFailure(
  pods: readonly Pod[],
  settings: AutoPauseSettings,
  now: number,
): { failure?: RolloutFailure; recheckAt?: number } {
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const node = podTargetNode(pod) ?? "";
    const name = pod.metadata.name ?? "";
    const where = `pod ${name} on node ${node}`;
    for (const c of pod.status?.containerStatuses ?? []) {
      const waiting = c.state?.waiting?.reason;
      if (waiting && BROKEN.has(waiting))
        return { failure: { node, pod: name, message: `${where}: container ${c.name} is ${waiting}` } };
      if (c.restartCount >= settings.maxRestarts) {
        const why = waiting === "CrashLoopBackOff" ? " (CrashLoopBackOff)" : "";
        return {
          failure: {
            node,
            pod: name,
            message: `${where}: container ${c.name} restarted ${c.restartCount} times${why}`,
          },
        };
      }
    }
    if (isPodReady(pod)) continue;
    const since = notReadySince(pod);
    if (since === undefined) continue;
    const limit = since + settings.maxNotReadySeconds * 1000;
    if (now >= limit)
      return {
        failure: {
          node,
          pod: name,
          message: `${where}: not Ready for more than ${settings.maxNotReadySeconds}s`,
        },
      };
    if (recheckAt === undefined || limit < recheckAt) recheckAt = limit;
  }
  return recheckAt === undefined ? {} : { recheckAt };
}
