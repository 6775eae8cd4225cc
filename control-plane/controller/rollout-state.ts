// The rollout's state across passes: the stable revision (the last that ran available on
// every node), the progress clock and its deadline, the controller's own stops (auto-pause,
// deadline) and the automatic rollback, and the Progressing / Available conditions.
// Pure: from the DaemonSet (its previous status), this pass's counts and `now`.
//
// The controller stops a rollout the way a user would: it sets
// `rollingUpdate.paused: true` and records why in `status.rollout.stop`, so one action
// resumes it (`everynode rollout resume`, or a patch of `paused: false`). A stop belongs to
// its revision: a new template lifts the controller's pause, and a resumed revision is not
// auto-paused again.

import type {
  DaemonSet,
  DaemonSetCondition,
  DaemonSetRolloutStatus,
  DaemonSetRolloutStop,
} from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import type { RolloutFailure } from "./rollout-failures.js";

export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export interface RolloutFacts {
  hash: string;
  revision: number;
  /** The stable revision as the previous status knows it, if its template still exists. */
  stable?: { hash: string; revision: number };
  desired: number;
  updated: number;
  updatedAvailable: number;
  /** Desired nodes with a pod of another revision. */
  oldNodes: number;
  heldBack: number;
  unavailable: number;
  maxUnavailable: number;
  /** Every reachable desired node runs only an available pod of the update revision. */
  complete: boolean;
  /** Every reachable node of the canary set is done; the others are held back. */
  waitingForPartition: boolean;
  failure?: RolloutFailure;
  autoPause: boolean;
}

export interface RolloutEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** What the decider settled for this pass. */
export interface RolloutState {
  /** Paused after this pass's decisions (by the user or by the controller). */
  paused: boolean;
  lastProgress: number;
  stable?: { hash: string; revision: number };
  stop?: DaemonSetRolloutStop;
}

export interface RolloutDecision {
  state: RolloutState;
  /** Changes the controller makes to the DaemonSet's spec. */
  specChange?: { paused?: boolean; rollbackTo?: { hash: string; revision: number } };
  events: RolloutEvent[];
  recheckAt?: number;
}

const HOLDS = new Set(["RolloutPaused", "WaitingForPartition", "RolloutComplete"]);

function condition(
  previous: readonly DaemonSetCondition[],
  type: string,
  status: DaemonSetCondition["status"],
  reason: string,
  message: string,
  now: number,
): DaemonSetCondition {
  const before = previous.find((c) => c.type === type);
  const lastTransitionTime =
    before && before.status === status && before.lastTransitionTime
      ? before.lastTransitionTime
      : rfc3339(now);
  return { type, status, lastTransitionTime, reason, message };
}

export function decideRollout(ds: DaemonSet, f: RolloutFacts, now: number): RolloutDecision {
  const prev = ds.status?.rollout;
  const prevReason = ds.status?.conditions?.find((c) => c.type === "Progressing")?.reason;
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const specPaused = ru?.paused === true;
  const events: RolloutEvent[] = [];
  const specChange: NonNullable<RolloutDecision["specChange"]> = {};
  let stop: DaemonSetRolloutStop | undefined = prev?.stop ? { ...prev.stop } : undefined;
  let resumed = false;

  // The controller's own pause from an earlier pass: lifted by the user, or by a new template.
  if (stop?.active) {
    if (!specPaused) {
      stop.active = false;
      resumed = true;
    } else if (stop.hash !== f.hash) {
      stop.active = false;
      specChange.paused = false;
      resumed = true;
      events.push({
        type: "Normal",
        reason: "RolloutResumed",
        message: `Revision ${f.revision} replaces the stopped one: the controller lifts its pause`,
      });
    }
  }
  let paused = specPaused && specChange.paused !== false;
  const stoppedByController = (): boolean => paused && stop?.active === true && stop.hash === f.hash;

  const stable = f.complete ? { hash: f.hash, revision: f.revision } : f.stable;
  const userPaused = paused && !stoppedByController();
  const held = userPaused || f.complete || f.waitingForPartition;

  // The progress clock: restarts on a new revision, on progress, and when a hold ends.
  const prevProgress = prev?.lastProgressTime ? Date.parse(prev.lastProgressTime) : Number.NaN;
  const reset =
    prev?.updateHash !== f.hash ||
    f.updatedAvailable > (prev?.updatedAvailableNodes ?? 0) ||
    Number.isNaN(prevProgress) ||
    resumed ||
    (prevReason !== undefined && HOLDS.has(prevReason) && !held);
  const lastProgress = reset ? now : prevProgress;

  let recheckAt: number | undefined;
  const deadlineMs = (ru?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1000;
  const counting = !held && (!paused || stoppedByController());
  const alreadyExceeded = stop?.hash === f.hash && stop.reason === "ProgressDeadlineExceeded";
  if (counting && !alreadyExceeded) {
    if (now - lastProgress >= deadlineMs) {
      const seconds = Math.round(deadlineMs / 1000);
      const message =
        `revision ${f.revision} made no progress for ${seconds}s: ` +
        `${f.updatedAvailable} of ${f.desired} nodes updated and available`;
      events.push({ type: "Warning", reason: "ProgressDeadlineExceeded", message });
      const target = ru?.autoRollback === true && stable && stable.hash !== f.hash ? stable : undefined;
      if (target) {
        specChange.rollbackTo = target;
        if (paused) specChange.paused = false;
        paused = false;
        stop = {
          hash: f.hash,
          reason: "ProgressDeadlineExceeded",
          message: `${message}; rolled back to revision ${target.revision}`,
          time: rfc3339(now),
          active: false,
          rolledBackTo: target.hash,
        };
        events.push({
          type: "Warning",
          reason: "RolledBack",
          message: `Rolled back to revision ${target.revision}, the last one available on every node: ${message}`,
        });
      } else {
        const why =
          ru?.autoRollback === true
            ? "; no earlier revision ran available on every node to roll back to"
            : "";
        stop = {
          hash: f.hash,
          reason: "ProgressDeadlineExceeded",
          message: `${message}; rollout stopped${why}`,
          time: rfc3339(now),
          active: true,
        };
        if (!specPaused) specChange.paused = true;
        paused = true;
      }
    } else {
      recheckAt = lastProgress + deadlineMs;
    }
  }

  // Auto-pause: a failing new pod while old pods remain to be replaced, once per revision.
  if (
    f.failure &&
    f.autoPause &&
    !paused &&
    f.oldNodes > 0 &&
    !specChange.rollbackTo &&
    !(stop && stop.hash === f.hash)
  ) {
    stop = {
      hash: f.hash,
      reason: "AutoPaused",
      message: `rollout paused: ${f.failure.message}`,
      time: rfc3339(now),
      active: true,
    };
    specChange.paused = true;
    paused = true;
    events.push({
      type: "Warning",
      reason: "RolloutAutoPaused",
      message: `Rollout of revision ${f.revision} paused: ${f.failure.message}`,
    });
  }

  const state: RolloutState = { paused, lastProgress };
  if (stable) state.stable = stable;
  if (stop) state.stop = stop;
  const decision: RolloutDecision = { state, events };
  if (specChange.paused !== undefined || specChange.rollbackTo) decision.specChange = specChange;
  if (recheckAt !== undefined && recheckAt > now) decision.recheckAt = recheckAt;
  return decision;
}

/**
 * `status.rollout` and the conditions, from the decided state and the counts as the store
 * will hold them after this pass.
 */
export function rolloutStatus(
  ds: DaemonSet,
  state: RolloutState,
  f: RolloutFacts,
  now: number,
): { rollout: DaemonSetRolloutStatus; conditions: DaemonSetCondition[] } {
  const prevConditions = ds.status?.conditions ?? [];
  const rollout: DaemonSetRolloutStatus = {
    updateRevision: f.revision,
    updateHash: f.hash,
    updatedNodes: f.updated,
    oldNodes: f.oldNodes,
    heldBackNodes: f.heldBack,
    updatedAvailableNodes: f.updatedAvailable,
    lastProgressTime: rfc3339(state.lastProgress),
  };
  if (state.stable) {
    rollout.stableRevision = state.stable.revision;
    rollout.stableHash = state.stable.hash;
  }
  if (state.stop) rollout.stop = state.stop;
  const conditions = [
    progressing(prevConditions, f, state.stop, state.paused, now),
    f.unavailable <= f.maxUnavailable
      ? condition(prevConditions, "Available", "True", "MinimumNodesAvailable", availableMessage(f), now)
      : condition(prevConditions, "Available", "False", "NodesUnavailable", availableMessage(f), now),
  ];
  return { rollout, conditions };
}

function availableMessage(f: RolloutFacts): string {
  return `${f.desired - f.unavailable} of ${f.desired} nodes have an available pod (at most ${f.maxUnavailable} may be unavailable)`;
}

function progressing(
  prev: readonly DaemonSetCondition[],
  f: RolloutFacts,
  stop: DaemonSetRolloutStop | undefined,
  paused: boolean,
  now: number,
): DaemonSetCondition {
  const rev = `revision ${f.revision}`;
  if (stop?.active && stop.hash === f.hash && paused)
    return condition(prev, "Progressing", "False", stop.reason, stop.message, now);
  const rolledBack = stop?.rolledBackTo === f.hash ? ` (rolled back: ${stop.message})` : "";
  if (paused)
    return condition(
      prev,
      "Progressing",
      "Unknown",
      "RolloutPaused",
      `rollout paused (rollingUpdate.paused): ${f.updated} of ${f.desired} nodes on ${rev}`,
      now,
    );
  if (f.complete)
    return condition(
      prev,
      "Progressing",
      "True",
      "RolloutComplete",
      `${rev} is available on all ${f.desired} nodes${rolledBack}`,
      now,
    );
  if (f.waitingForPartition)
    return condition(
      prev,
      "Progressing",
      "Unknown",
      "WaitingForPartition",
      `${f.updated} of ${f.desired} nodes on ${rev}; ${f.heldBack} held back by the partition or selector`,
      now,
    );
  return condition(
    prev,
    "Progressing",
    "True",
    rolledBack ? "RolledBack" : "RollingOut",
    `${f.updated} of ${f.desired} nodes updated to ${rev}, ${f.updatedAvailable} available${rolledBack}`,
    now,
  );
}
