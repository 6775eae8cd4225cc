// Planner phases 2 and 3: where the DaemonSet's pods are, and which of them each node keeps
// (one, or two during a surge) while the others go: ineligible node, failed (after its
// back-off), succeeded, duplicates.

import type { Pod } from "../../shared/api-types.js";
import type { NodesToRun, PlanInput, PlannedDelete, PodsByNode, Steps } from "./plan-types.js";
import { earliestAfter, STEP_ITEMS } from "./plan-types.js";
import {
  compareOldestFirst,
  isPodAvailable,
  isPodReady,
  isPodUpdated,
  isTerminal,
  isTerminating,
  podTargetNode,
} from "./pod-utils.js";
import { isPausedBySpec, isRollingUpdate, rolloutBudget } from "./rollout.js";

/** The pods by target node; pods bound to no node, or to one that no longer exists, go at once. */
export function* podsByTargetNode(
  pods: readonly Pod[],
  nodes: Pick<NodesToRun, "decisions">,
): Steps<{ byNode: PodsByNode; deletes: PlannedDelete[] }> {
  const byNode: PodsByNode = new Map();
  const deletes: PlannedDelete[] = [];
  let walked = 0;
  for (const pod of pods) {
    if (++walked % STEP_ITEMS === 0) yield;
    const target = podTargetNode(pod);
    if (target === undefined) {
      if (!isTerminating(pod))
        deletes.push({ pod, reason: "NoTargetNode", message: "pod is bound to no node" });
      continue;
    }
    if (!nodes.decisions.has(target)) {
      if (!isTerminating(pod))
        deletes.push({ pod, reason: "NodeGone", message: `node ${target} no longer exists` });
      continue;
    }
    const list = byNode.get(target);
    if (list) list.push(pod);
    else byNode.set(target, [pod]);
  }
  return { byNode, deletes };
}

export interface KeptPods {
  /** Per node: the pods that remain. */
  live: PodsByNode;
  /** Nodes with a pod already terminating (and not yet ended). */
  terminating: Set<string>;
  deletes: PlannedDelete[];
  /** When a failed pod's back-off ends. */
  recheckAt?: number;
}

/** Per node, the pods kept and those to delete. */
export function* podsToKeep(input: PlanInput, nodes: NodesToRun, byNode: PodsByNode): Steps<KeptPods> {
  const { ds, now } = input;
  const surge = isRollingUpdate(ds) && rolloutBudget(ds, nodes.desired.length).maxSurge > 0;
  const live: PodsByNode = new Map();
  const terminating = new Set<string>();
  const deletes: PlannedDelete[] = [];
  const backoffEnds: number[] = [];
  let walked = 0;
  for (const [name, d] of nodes.decisions) {
    if (++walked % STEP_ITEMS === 0) yield;
    const pods = byNode.get(name) ?? [];
    const only = pods.length === 1 ? pods[0] : undefined;
    if (only && d.shouldContinueRunning && !isTerminating(only) && isHealthyPhase(only)) {
      live.set(name, pods); // the common case: one running pod, nothing to decide
      continue;
    }
    const running: Pod[] = [];
    for (const pod of pods) {
      if (isTerminating(pod)) {
        // As Kubernetes: a terminating pod holds its node until it is gone, unless it already
        // ended (Failed, Succeeded): then the node gets its new pod at once.
        if (!isTerminal(pod)) terminating.add(name);
      } else if (!d.shouldContinueRunning) {
        deletes.push({
          pod,
          reason: "NodeIneligible",
          message: d.reason ?? "node no longer runs this DaemonSet",
        });
      } else if (pod.status?.phase === "Failed") {
        const until = input.failedBackoff?.get(name);
        if (until !== undefined && until > now) {
          running.push(pod); // keeps the slot until the back-off ends
          backoffEnds.push(until);
        } else {
          deletes.push({ pod, reason: "Failed", message: `found failed daemon pod on node ${name}` });
        }
      } else if (pod.status?.phase === "Succeeded") {
        deletes.push({ pod, reason: "Succeeded", message: `found succeeded daemon pod on node ${name}` });
      } else {
        running.push(pod);
      }
    }
    live.set(
      name,
      surge ? pruneSurging(running, input, deletes, isPausedBySpec(ds)) : pruneDuplicates(running, deletes),
    );
  }
  const kept: KeptPods = { live, terminating, deletes };
  const recheckAt = earliestAfter(now, backoffEnds);
  if (recheckAt !== undefined) kept.recheckAt = recheckAt;
  return kept;
}

function isHealthyPhase(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Failed" && phase !== "Succeeded";
}

/** Without surge a node keeps its oldest pod only. */
function pruneDuplicates(running: Pod[], deletes: PlannedDelete[]): Pod[] {
  if (running.length <= 1) return running;
  const sorted = [...running].sort(compareOldestFirst);
  for (const pod of sorted.slice(1)) {
    deletes.push({ pod, reason: "Duplicate", message: "node has more than one pod of this DaemonSet" });
  }
  return sorted.slice(0, 1);
}

/**
 * With surge a node may hold its oldest old-template pod and its oldest current one; the
 * old one goes as soon as it is not Ready or the new one is available.
 */
function pruneSurging(running: Pod[], input: PlanInput, deletes: PlannedDelete[], paused: boolean): Pod[] {
  const old = running
    .filter((p) => !isPodUpdated(p, input.hash, input.templateGeneration))
    .sort(compareOldestFirst);
  const current = running
    .filter((p) => isPodUpdated(p, input.hash, input.templateGeneration))
    .sort(compareOldestFirst);
  for (const pod of [...old.slice(1), ...current.slice(1)]) {
    deletes.push({ pod, reason: "Duplicate", message: "node has more than one pod of this DaemonSet" });
  }
  const keep: Pod[] = [];
  const oldest = old[0];
  const newest = current[0];
  if (newest) keep.push(newest);
  if (oldest) {
    const minReady = input.ds.spec.minReadySeconds ?? 0;
    // A paused rollout deletes no old pod, not even one whose successor is ready.
    if (!paused && newest && (!isPodReady(oldest) || isPodAvailable(newest, minReady, input.now))) {
      deletes.push({
        pod: oldest,
        reason: "Replaced",
        message: "the current-template pod on the node is available",
      });
    } else {
      keep.push(oldest);
    }
  }
  return keep;
}
