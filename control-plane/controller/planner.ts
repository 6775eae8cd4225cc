// The DaemonSet controller's decider: from one DaemonSet, the nodes and the DaemonSet's pods,
// which pods to create and delete in this pass, and the status the cluster will then have.
// Pure: no I/O, no clock (`now` is an input). Its phases are named pure functions:
// nodesToRun → podsByTargetNode → podsToKeep → rolloutStep → podsToCreate → statusAfter.

import type { Node, Pod } from "../../shared/api-types.js";
import { podGracePeriod } from "../deletion/deletion-plan.js";
import { nodeShouldRunDaemonPod, type DaemonPodDecision } from "./eligibility.js";
import { podsByTargetNode, podsToKeep } from "./plan-pods.js";
import { podTargetNode } from "./pod-utils.js";
import { rolloutStep, type PlannedRollout } from "./plan-rollout.js";
import { statusAfter } from "./plan-status.js";
import {
  earliestAfter,
  runSteps,
  STEP_ITEMS,
  type DaemonSetPlan,
  type NodesToRun,
  type PlanInput,
  type PlannedCreate,
  type PodsByNode,
  type Steps,
} from "./plan-types.js";

export type { DaemonSetPlan, DeleteReason, PlanInput, PlannedDelete } from "./plan-types.js";

/** Plans one DaemonSet: manage (create, prune, delete ineligible), then the rolling update. */
export function planDaemonSet(input: PlanInput): DaemonSetPlan {
  return runSteps(planDaemonSetSteps(input));
}

/**
 * planDaemonSet in steps: it yields within each of its walks over the nodes or the pods
 * (every STEP_ITEMS), so that a caller with 10,000 nodes can let the event loop turn in
 * between. The input is read as it was given; nothing it holds changes meanwhile
 * (stored objects are frozen).
 */
export function* planDaemonSetSteps(input: PlanInput): Steps<DaemonSetPlan> {
  const nodes = yield* nodesToRun(input);
  const placed = yield* podsByTargetNode(input.pods, nodes);
  const kept = yield* podsToKeep(input, nodes, placed.byNode);
  const rollout = yield* rolloutStep(input, nodes, kept.live);
  // A pod the rollout deletes on a node whose agent reports it gone stays Terminating for its
  // grace period: its node gets the new pod once it is gone (a later pass), not next to it.
  const staying: Pod[] = [];
  const held = new Set(kept.terminating);
  let walked = 0;
  for (const { pod } of rollout.deletes) {
    if (++walked % STEP_ITEMS === 0) yield;
    if (!staysTerminating(pod, input)) continue;
    staying.push(pod);
    held.add(podTargetNode(pod) ?? "");
  }
  const creates = yield* podsToCreate(input, nodes, held, rollout);
  const deletes = [...placed.deletes, ...kept.deletes, ...rollout.deletes];
  const { status, recheckAt: availableAt } = yield* statusAfter(input, nodes, {
    byNode: placed.byNode,
    rollout,
    terminating: kept.terminating,
    staying,
    creates,
    changes: creates.length > 0 || deletes.length > 0 || kept.terminating.size > 0,
  });

  const plan: DaemonSetPlan = { create: creates, delete: deletes, status };
  if (rollout.prePull) plan.prePull = rollout.prePull.wanted;
  if (rollout.decision) {
    const { specChange, events } = rollout.decision;
    plan.rollout = specChange ? { specChange, events } : { events };
  }
  const recheckAt = earliestAfter(input.now, [
    nodes.recheckAt,
    kept.recheckAt,
    rollout.recheckAt,
    availableAt,
  ]);
  if (recheckAt !== undefined) plan.recheckAt = recheckAt;
  return plan;
}

/** Phase 1: which nodes should run the DaemonSet, which are unreachable, and their labels. */
export function* nodesToRun(input: Pick<PlanInput, "ds" | "nodes" | "now">): Steps<NodesToRun> {
  const { ds, now } = input;
  const decisions = new Map<string, DaemonPodDecision>();
  const expiries: (number | undefined)[] = [];
  const desired: string[] = [];
  const unreachable = new Set<string>();
  // Only the canary selector reads node labels.
  const nodeLabels = new Map<string, Record<string, string>>();
  const withLabels = ds.spec.updateStrategy?.rollingUpdate?.selector !== undefined;
  let walked = 0;
  for (const node of input.nodes) {
    if (++walked % STEP_ITEMS === 0) yield;
    const name = node.metadata.name ?? "";
    const d = nodeShouldRunDaemonPod(node, ds, now);
    decisions.set(name, d);
    if (d.shouldRun) desired.push(name);
    if (d.expiresAt !== undefined) expiries.push(d.expiresAt);
    if (!isNodeReachable(node)) unreachable.add(name);
    if (withLabels) nodeLabels.set(name, node.metadata.labels ?? {});
  }
  // The store lists nodes by name already: this sort only checks it.
  desired.sort();
  const result: NodesToRun = { decisions, desired, unreachable, nodeLabels };
  const recheckAt = earliestAfter(now, expiries);
  if (recheckAt !== undefined) result.recheckAt = recheckAt;
  return result;
}

/**
 * Phase 5: the rollout's new pods, then one for every node that should run the DaemonSet
 * and has no pod left: of the update revision if the rollout may move it there now, else
 * of the stable revision.
 */
export function* podsToCreate(
  input: Pick<PlanInput, "hash" | "stable">,
  nodes: Pick<NodesToRun, "desired">,
  terminating: ReadonlySet<string>,
  rollout: Pick<PlannedRollout, "creates" | "live" | "paused" | "targets">,
): Steps<PlannedCreate[]> {
  const stable = input.stable && input.stable.hash !== input.hash ? input.stable : undefined;
  const creates: PlannedCreate[] = rollout.creates.map((nodeName) => ({ nodeName }));
  const creating = new Set(rollout.creates);
  const live: PodsByNode = rollout.live;
  let walked = 0;
  for (const name of nodes.desired) {
    if (++walked % STEP_ITEMS === 0) yield;
    if ((live.get(name) ?? []).length === 0 && !terminating.has(name) && !creating.has(name)) {
      const onStable = stable !== undefined && (rollout.paused || !rollout.targets.has(name));
      creates.push(onStable ? { nodeName: name, stable: true } : { nodeName: name });
      creating.add(name);
    }
  }
  return creates;
}

/** Whether deleting the pod leaves it Terminating for a while (see control-plane/deletion). */
function staysTerminating(pod: Pod, input: Pick<PlanInput, "nodeCanWait">): boolean {
  const node = pod.spec.nodeName;
  const canWait = node !== undefined && (input.nodeCanWait?.(node) ?? false);
  return podGracePeriod(pod, undefined, canWait) > 0 || (pod.metadata.finalizers?.length ?? 0) > 0;
}

/** A node is left out of the rollout when its Ready condition says it is not Ready. */
function isNodeReachable(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  return ready === undefined || ready.status === "True";
}
