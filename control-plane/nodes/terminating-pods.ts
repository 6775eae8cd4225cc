// Pods stuck Terminating because their node cannot end them: the node is gone, or it is not
// Ready (its agent is silent or stopped) past the pod's deadline (deletionTimestamp: the
// delete plus its grace period) plus the node-monitor grace period, the time a node is given
// to come back. Such a pod is removed by the control plane, as Kubernetes' pod GC removes
// the terminating pods of nodes that are gone. Should the node come back, its agent stops the
// containers of a pod no longer in its set. A sweep every few seconds; the decider is pure.

import type { Node, Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { Deleter } from "../deletion/deleter.js";
import type { Store } from "../store/store.js";

/** The terminating pods the control plane ends itself now. */
export function podsToForceRemove(
  pods: readonly Pod[],
  nodeOf: (name: string) => Node | undefined,
  now: number,
  nodeMonitorGraceMs: number,
): Pod[] {
  const out: Pod[] = [];
  for (const pod of pods) {
    const deadline = pod.metadata.deletionTimestamp;
    // Not terminating, or gone already and held only by finalizers.
    if (!deadline || pod.metadata.deletionGracePeriodSeconds === 0) continue;
    const nodeName = pod.spec.nodeName;
    const node = nodeName ? nodeOf(nodeName) : undefined;
    if (!node) {
      out.push(pod);
      continue;
    }
    const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    const at = Date.parse(deadline);
    if (!ready && !Number.isNaN(at) && now >= at + nodeMonitorGraceMs) out.push(pod);
  }
  return out;
}

export interface TerminatingPodsDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  deleter: Deleter;
  /** How long a node may stay silent before it counts as lost; the lifecycle's grace period. */
  nodeMonitorGraceMs: number;
  /** How often to look; default 5 s. */
  periodMs?: number;
}

/** Removes terminating pods whose node cannot end them; see the file comment. */
export class TerminatingPodsGc {
  private stopTimer: (() => void) | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: TerminatingPodsDeps) {
    this.log = deps.logger.child({ component: "terminating-pods" });
  }

  start(): void {
    this.stopTimer = this.deps.clock.every(this.deps.periodMs ?? 5_000, () => this.sweep());
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  /** One look; returns how many pods it removed. */
  sweep(): number {
    const { store, deleter } = this.deps;
    const terminating = store.list<Pod>("pods").filter((p) => p.metadata.deletionTimestamp);
    if (terminating.length === 0) return 0;
    const lost = podsToForceRemove(
      terminating,
      (name) => store.get<Node>("nodes", undefined, name),
      this.deps.clock.now(),
      this.deps.nodeMonitorGraceMs,
    );
    if (lost.length === 0) return 0;
    try {
      store.transaction((tx) => {
        for (const pod of lost) deleter.podGone(tx, pod);
      });
    } catch (error) {
      this.log.error("removing terminating pods of lost nodes failed", { error });
      return 0;
    }
    for (const pod of lost)
      this.log.info("terminating pod removed: its node cannot end it", {
        pod: `${pod.metadata.namespace}/${pod.metadata.name}`,
        node: pod.spec.nodeName,
      });
    return lost.length;
  }
}
