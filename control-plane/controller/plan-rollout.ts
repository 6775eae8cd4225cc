// Planner phase 4, RollingUpdate: the rollout's state over the kept pods (stops, deadline,
// rollback, pause), then its step: which outdated pods go and which nodes get a new pod.

import type { PlanInput, PlannedDelete, NodesToRun, PodsByNode, Steps } from "./plan-types.js";
import { earliestAfter, STEP_ITEMS } from "./plan-types.js";
import { planPrePull, wantsPrePull, type PrePullPlan } from "./plan-prepull.js";
import { isPodUpdated, podTargetNode } from "./pod-utils.js";
import { isPausedBySpec, isRollingUpdate, planRollout, rolloutTargets } from "./rollout.js";
import { rolloutFacts } from "./rollout-facts.js";
import type { RolloutDecision, RolloutFacts } from "./rollout-state.js";
import { decideRollout } from "./rollout-state.js";

export interface PlannedRollout {
  /** RollingUpdate only: the rollout's decision, and the facts it saw. */
  decision?: RolloutDecision;
  facts?: RolloutFacts;
  /** No pod moves to the update revision (paused by spec or by this decision, or rolling back). */
  paused: boolean;
  /** Outdated pods to delete. */
  deletes: PlannedDelete[];
  /** Nodes to create an update-revision pod on. */
  creates: string[];
  /** The nodes the rollout may move to the update revision. */
  targets: ReadonlySet<string>;
  /** The kept pods without the outdated ones. */
  live: PodsByNode;
  /** Pre-pull (rollingUpdate.prePull): the nodes due for the update and which have the images. */
  prePull?: PrePullPlan;
  recheckAt?: number;
}

/** Pre-pull over `pods`: nothing is due while the rollout is paused. */
export function prePullOver(
  input: PlanInput,
  nodes: NodesToRun,
  pods: PodsByNode,
  paused: boolean,
): PrePullPlan {
  const { ds, hash, templateGeneration } = input;
  const targets = paused
    ? new Set<string>()
    : new Set(
        rolloutTargets(
          ds,
          nodes.desired,
          (n) => (pods.get(n) ?? []).some((p) => isPodUpdated(p, hash, templateGeneration)),
          nodes.nodeLabels,
        ),
      );
  return planPrePull({
    ds,
    hash,
    ...(templateGeneration !== undefined ? { templateGeneration } : {}),
    nodes: input.nodes,
    targets,
    unreachable: nodes.unreachable,
    podsByNode: pods,
    ...(input.prePullSupport ? { support: input.prePullSupport } : {}),
  });
}

/** The rollout's decision and step over the pods each node keeps. */
export function* rolloutStep(input: PlanInput, nodes: NodesToRun, kept: PodsByNode): Steps<PlannedRollout> {
  const { ds, now } = input;
  const common = {
    ds,
    hash: input.hash,
    now,
    desiredNodes: nodes.desired,
    podsByNode: kept,
    unreachable: nodes.unreachable,
    nodeLabels: nodes.nodeLabels,
  };
  let decision: RolloutDecision | undefined;
  let facts: RolloutFacts | undefined;
  let failureAt: number | undefined;
  if (isRollingUpdate(ds)) {
    const seen = yield* rolloutFacts({
      ...common,
      revision: input.templateGeneration ?? 0,
      ...(input.stable ? { stable: input.stable } : {}),
    });
    facts = seen.facts;
    failureAt = seen.recheckAt;
    decision = decideRollout(ds, facts, now);
  }
  const change = decision?.specChange;
  const paused =
    (isPausedBySpec(ds) && change?.paused !== false) ||
    change?.paused === true ||
    change?.rollbackTo !== undefined;
  const prePull = wantsPrePull(ds) ? prePullOver(input, nodes, kept, paused) : undefined;
  const step = yield* planRollout({
    ...common,
    templateGeneration: input.templateGeneration,
    paused,
    ...(prePull ? { prePullReady: (n: string) => prePull.ready.has(n) } : {}),
  });
  // The steady state deletes nothing: the kept pods are shared, not copied.
  const live = step.delete.length > 0 ? new Map(kept) : kept;
  const deletes: PlannedDelete[] = [];
  let walked = 0;
  for (const pod of step.delete) {
    if (++walked % STEP_ITEMS === 0) yield;
    deletes.push({ pod, reason: "Outdated", message: "pod template is out of date" });
    const name = podTargetNode(pod) ?? "";
    live.set(
      name,
      (live.get(name) ?? []).filter((p) => p !== pod),
    );
  }
  const planned: PlannedRollout = { paused, deletes, creates: step.create, targets: step.targets, live };
  if (decision) planned.decision = decision;
  if (facts) planned.facts = facts;
  if (prePull) planned.prePull = prePull;
  const recheckAt = earliestAfter(now, [failureAt, decision?.recheckAt]);
  if (recheckAt !== undefined) planned.recheckAt = recheckAt;
  return planned;
}
