// Planner phase 6: the status the store will hold once the plan is applied, counting the
// kept pods, the terminating ones and stand-ins for the new ones, with the rollout's own.

import type { DaemonSetStatus, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { computeDaemonSetStatus } from "./daemonset-status.js";
import { prePullOver, type PlannedRollout } from "./plan-rollout.js";
import type { NodesToRun, PlanInput, PlannedCreate, PodsByNode, Steps } from "./plan-types.js";
import { earliestAfter, STEP_ITEMS } from "./plan-types.js";
import { availableAt, GENERATION_LABEL, HASH_LABEL, isTerminating, podTargetNode } from "./pod-utils.js";
import { rolloutFacts } from "./rollout-facts.js";
import { rolloutStatus } from "./rollout-state.js";

export interface StatusAfter {
  status: DaemonSetStatus;
  /** When a pod becomes available (minReadySeconds). */
  recheckAt?: number;
}

/** What the plan leaves behind, per node: kept, terminating and new pods. */
export interface PlanOutcome {
  byNode: PodsByNode;
  rollout: PlannedRollout;
  terminating: ReadonlySet<string>;
  /** Pods this plan deletes that stay Terminating for their grace period. */
  staying: readonly Pod[];
  creates: readonly PlannedCreate[];
  /** Whether the plan changes anything (creates, deletes, or pods still terminating). */
  changes: boolean;
}

export function* statusAfter(input: PlanInput, nodes: NodesToRun, outcome: PlanOutcome): Steps<StatusAfter> {
  const { ds, now } = input;
  // Arrays are shared with the kept pods unless this plan adds to a node.
  const after = new Map<string, Pod[]>(outcome.rollout.live);
  const addAfter = (name: string, pod: Pod): void => {
    after.set(name, [...(after.get(name) ?? []), pod]);
  };
  const createdAt = rfc3339(now);
  let walked = 0;
  for (const c of outcome.creates) {
    if (++walked % STEP_ITEMS === 0) yield;
    addAfter(c.nodeName, placeholderPod(c, input, createdAt));
  }
  // The rollout counts live pods only (as the next pass will); the counters count terminating ones too.
  const live = new Map(after);
  for (const name of outcome.terminating)
    for (const p of outcome.byNode.get(name) ?? []) if (isTerminating(p)) addAfter(name, p);
  for (const p of outcome.staying) {
    if (++walked % STEP_ITEMS === 0) yield;
    const marked = { ...p, metadata: { ...p.metadata, deletionTimestamp: createdAt } };
    addAfter(podTargetNode(p) ?? "", marked);
  }
  const minReady = ds.spec.minReadySeconds ?? 0;
  const availableTimes: (number | undefined)[] = [];
  if (minReady > 0)
    for (const pods of after.values()) for (const p of pods) availableTimes.push(availableAt(p, minReady));

  const status = yield* computeDaemonSetStatus({
    ds,
    nodes: [...nodes.decisions].map(([name, d]) => ({ name, shouldRun: d.shouldRun })),
    podsByNode: after,
    hash: input.hash,
    templateGeneration: input.templateGeneration,
    now,
  });
  const { decision, facts: seen } = outcome.rollout;
  if (decision) {
    // Counts as the store will hold them after this plan, like the rest of the status.
    // Nothing planned (the steady state): the counts are those the decision saw.
    const facts =
      !outcome.changes && seen
        ? seen
        : (yield* rolloutFacts({
            ds,
            hash: input.hash,
            revision: input.templateGeneration ?? 0,
            ...(seen?.stable ? { stable: seen.stable } : {}),
            now,
            desiredNodes: nodes.desired,
            podsByNode: live,
            unreachable: nodes.unreachable,
            nodeLabels: nodes.nodeLabels,
          })).facts;
    const shown = rolloutStatus(ds, decision.state, facts, now);
    const before = outcome.rollout.prePull;
    if (before) {
      // Counted over the pods as the store will hold them, like the rest.
      const counts = outcome.changes ? prePullOver(input, nodes, live, outcome.rollout.paused) : before;
      shown.rollout.prePulledNodes = counts.prePulled;
      shown.rollout.prePullPendingNodes = counts.pending;
    }
    status.rollout = shown.rollout;
    status.conditions = shown.conditions;
  }
  const result: StatusAfter = { status };
  const recheckAt = earliestAfter(now, availableTimes);
  if (recheckAt !== undefined) result.recheckAt = recheckAt;
  return result;
}

/** Stands for a pod this plan creates, so the rollout and the status can count it. */
function placeholderPod(c: PlannedCreate, input: PlanInput, createdAt: string): Pod {
  const nodeName = c.nodeName;
  const stable = c.stable ? input.stable : undefined;
  const labels: Record<string, string> = { [HASH_LABEL]: stable?.hash ?? input.hash };
  const generation = stable?.revision ?? input.templateGeneration;
  if (generation !== undefined) labels[GENERATION_LABEL] = String(generation);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "", creationTimestamp: createdAt, labels },
    spec: { containers: [], nodeName },
    status: { phase: "Pending" },
  };
}
