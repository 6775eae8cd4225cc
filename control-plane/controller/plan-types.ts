// The shapes the DaemonSet planner reads and returns, shared by its phases.

import type { DaemonSet, DaemonSetStatus, Node, Pod } from "../../shared/api-types.js";
import type { PrePullImage } from "../../shared/protocol.js";
import type { DaemonPodDecision } from "./eligibility.js";
import type { PrePullSupport } from "./plan-prepull.js";
import type { RolloutDecision } from "./rollout-state.js";

export type DeleteReason =
  | "NodeIneligible"
  | "NodeGone"
  | "NoTargetNode"
  | "Failed"
  | "Succeeded"
  | "Duplicate"
  | "Replaced"
  | "Outdated";

export interface PlannedDelete {
  pod: Pod;
  reason: DeleteReason;
  /** For people: why exactly. */
  message: string;
}

/** A new pod; `stable`: of the stable revision (a held-back node, or a paused rollout). */
export interface PlannedCreate {
  nodeName: string;
  stable?: boolean;
}

export interface DaemonSetPlan {
  create: PlannedCreate[];
  delete: PlannedDelete[];
  /** The status the DaemonSet has once this plan is applied. */
  status: DaemonSetStatus;
  /** When a new pass may decide differently without any change (back-off end, minReadySeconds). */
  recheckAt?: number;
  /** RollingUpdate: the rollout's spec changes (pause, rollback) and events. */
  rollout?: Pick<RolloutDecision, "specChange" | "events">;
  /** Pre-pull: the images each node due for the update is to pull (absent without prePull). */
  prePull?: ReadonlyMap<string, readonly PrePullImage[]>;
}

export interface PlanInput {
  ds: DaemonSet;
  nodes: readonly Node[];
  /** The pods owned by this DaemonSet. */
  pods: readonly Pod[];
  hash: string;
  /** The current template generation (ControllerRevision number); pods with it count as updated. */
  templateGeneration?: number;
  now: number;
  /** Per node name: a failed pod there is not deleted (nor replaced) before this time. */
  failedBackoff?: ReadonlyMap<string, number>;
  /** The stable revision (last available on every node) when its template is at hand. */
  stable?: { hash: string; revision: number };
  /**
   * Whether a node's agent reports deleted pods gone: a pod deleted there stays Terminating
   * for its grace period, holding its node, instead of leaving at once. None by default.
   */
  nodeCanWait?: (nodeName: string) => boolean;
  /** Pre-pull: whether a node's agent pre-pulls images; "no" for every node without it. */
  prePullSupport?: (nodeName: string) => PrePullSupport;
}

/** Phase 1: which nodes should run the DaemonSet, and what the rollout reads of the nodes. */
export interface NodesToRun {
  decisions: ReadonlyMap<string, DaemonPodDecision>;
  /** The names of the nodes that should run it, sorted. */
  desired: string[];
  /** Nodes whose Ready condition is not True: left out of the rollout. */
  unreachable: ReadonlySet<string>;
  /** Node labels, only when the canary selector needs them. */
  nodeLabels: ReadonlyMap<string, Record<string, string>>;
  recheckAt?: number;
}

/** Pods per node name. */
export type PodsByNode = Map<string, Pod[]>;

/** The earliest of `times` after `now`, if any. */
export function earliestAfter(now: number, times: Iterable<number | undefined>): number | undefined {
  let earliest: number | undefined;
  for (const t of times)
    if (t !== undefined && t > now && (earliest === undefined || t < earliest)) earliest = t;
  return earliest;
}

/**
 * How many nodes or pods a planning phase walks between two yields (about a millisecond of
 * work): the controller plans in steps within its share of an event-loop turn, so no phase
 * over 10,000 nodes holds the loop (and the API) in one piece.
 */
export const STEP_ITEMS = 500;

/** Planning in steps: yields between chunks of work, returns the result. */
export type Steps<T> = Generator<void, T>;

/** Runs planning steps to the end at once. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
