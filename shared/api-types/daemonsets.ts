// DaemonSets and ControllerRevisions.

import type { KubeObject } from "./meta.js";
import type { PodTemplateSpec } from "./pods.js";
import type { LabelSelector } from "./scheduling.js";

/** everynode's automatic pause of a rollout whose new pods fail (ExtendedDaemonSet's autoPause). */
export interface DaemonSetAutoPause {
  /** Default true. */
  enabled?: boolean;
  /** Container restarts of a new-revision pod that pause the rollout; default 3. */
  maxRestarts?: number;
  /** Seconds a new-revision pod may stay not Ready before it pauses the rollout; default 300. */
  maxNotReadySeconds?: number;
}

export interface RollingUpdateDaemonSet {
  maxUnavailable?: number | string;
  maxSurge?: number | string;
  // everynode's rollout fields (see control-plane/kube/kinds/daemonset-rollout.ts).
  paused?: boolean;
  partition?: number | string;
  selector?: LabelSelector;
  progressDeadlineSeconds?: number;
  autoRollback?: boolean;
  autoPause?: DaemonSetAutoPause;
  prePull?: boolean;
}

export interface DaemonSetUpdateStrategy {
  type?: "RollingUpdate" | "OnDelete";
  rollingUpdate?: RollingUpdateDaemonSet;
}

export interface DaemonSetSpec {
  selector: LabelSelector;
  template: PodTemplateSpec;
  updateStrategy?: DaemonSetUpdateStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  [extra: string]: unknown;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: DaemonSetCondition[];
  /** everynode: the rollout's revisions, counts and automatic stops. */
  rollout?: DaemonSetRolloutStatus;
}

export interface DaemonSetCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** A rollout stopped by the controller itself (auto-pause or progress deadline). */
export interface DaemonSetRolloutStop {
  /** The revision hash it stopped; a new template lifts it. */
  hash: string;
  reason: string;
  message: string;
  time: string;
  /** False once the user resumed it (the same revision is then not stopped again). */
  active: boolean;
  /** The stable revision's hash the controller rolled back to, if it did. */
  rolledBackTo?: string;
}

export interface DaemonSetRolloutStatus {
  /** The revision being rolled out (the template's) and its hash. */
  updateRevision: number;
  updateHash: string;
  /** The last revision that ran available on every node; what a held-back or paused node gets. */
  stableRevision?: number;
  stableHash?: string;
  /** Desired nodes whose pod is of the update revision, of another one, or held back on the old one. */
  updatedNodes: number;
  oldNodes: number;
  heldBackNodes: number;
  /** Desired nodes with an available pod of the update revision. */
  updatedAvailableNodes: number;
  /** When a node last became updated and available (or the rollout started or resumed). */
  lastProgressTime?: string;
  stop?: DaemonSetRolloutStop;
  /** Pre-pull: nodes due for the update whose agent has the new images. */
  prePulledNodes?: number;
  prePullPendingNodes?: number;
}

export interface DaemonSet extends KubeObject {
  spec: DaemonSetSpec;
  status?: DaemonSetStatus;
}

export interface ControllerRevision extends KubeObject {
  data: unknown;
  revision: number;
}
