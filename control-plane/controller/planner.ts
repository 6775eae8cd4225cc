// The DaemonSet controller's decider: from one DaemonSet, the nodes and the DaemonSet's pods,
// which pods to create and delete in this pass, and the status the cluster will then have.
// Pure: no I/O, no clock (`now` is an input).

import type { DaemonSet, DaemonSetStatus, Node, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { computeDaemonSetStatus } from "./daemonset-status.js";
import type { DaemonPodDecision } from "./eligibility.js";
import { nodeShouldRunDaemonPod } from "./eligibility.js";
import {
  availableAt,
  compareOldestFirst,
  GENERATION_LABEL,
  HASH_LABEL,
  isPodAvailable,
  isPodReady,
  isPodUpdated,
  isTerminating,
  podTargetNode,
} from "./pod-utils.js";
import { isPausedBySpec, isRollingUpdate, planRollout, rolloutBudget } from "./rollout.js";
import { rolloutFacts } from "./rollout-facts.js";
import type { RolloutDecision, RolloutFacts } from "./rollout-state.js";
import { decideRollout, rolloutStatus } from "./rollout-state.js";

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

export interface DaemonSetPlan {
  /** New pods; `stable`: of the stable revision (a held-back node, or a paused rollout). */
  create: { nodeName: string; stable?: boolean }[];
  delete: PlannedDelete[];
  /** The status the DaemonSet has once this plan is applied. */
  status: DaemonSetStatus;
  /** When a new pass may decide differently without any change (back-off end, minReadySeconds). */
  recheckAt?: number;
  /** RollingUpdate: the rollout's spec changes (pause, rollback) and events. */
  rollout?: Pick<RolloutDecision, "specChange" | "events">;
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
}

/** Plans one DaemonSet: manage (create, prune, delete ineligible), then the rolling update. */
export function planDaemonSet(input: PlanInput): DaemonSetPlan {
  const { ds, now } = input;
  const minReady = ds.spec.minReadySeconds ?? 0;
  const deletes: PlannedDelete[] = [];
  const creates: { nodeName: string; stable?: boolean }[] = [];
  let recheckAt: number | undefined;
  const recheck = (t: number | undefined): void => {
    if (t !== undefined && t > now && (recheckAt === undefined || t < recheckAt)) recheckAt = t;
  };

  const decisions = new Map<string, DaemonPodDecision>();
  for (const node of input.nodes) {
    const d = nodeShouldRunDaemonPod(node, ds, now);
    decisions.set(node.metadata.name ?? "", d);
    recheck(d.expiresAt);
  }
  const desired = [...decisions]
    .filter(([, d]) => d.shouldRun)
    .map(([name]) => name)
    .sort();
  const rolling = isRollingUpdate(ds);
  const surge = rolling && rolloutBudget(ds, desired.length).maxSurge > 0;
  const unreachable = new Set<string>();
  for (const n of input.nodes) if (!isNodeReachable(n)) unreachable.add(n.metadata.name ?? "");
  // Only the canary selector reads node labels.
  const nodeLabels = ds.spec.updateStrategy?.rollingUpdate?.selector
    ? new Map(input.nodes.map((n) => [n.metadata.name ?? "", n.metadata.labels ?? {}]))
    : new Map<string, Record<string, string>>();

  // Pods by target node; pods for nodes that do not exist go at once.
  const byNode = new Map<string, Pod[]>();
  for (const pod of input.pods) {
    const target = podTargetNode(pod);
    if (target === undefined) {
      if (!isTerminating(pod))
        deletes.push({ pod, reason: "NoTargetNode", message: "pod is bound to no node" });
      continue;
    }
    if (!decisions.has(target)) {
      if (!isTerminating(pod))
        deletes.push({ pod, reason: "NodeGone", message: `node ${target} no longer exists` });
      continue;
    }
    const list = byNode.get(target);
    if (list) list.push(pod);
    else byNode.set(target, [pod]);
  }

  // Manage: per node, the pods that remain (live) and those already terminating.
  const live = new Map<string, Pod[]>();
  const terminating = new Set<string>();
  for (const [name, d] of decisions) {
    const pods = byNode.get(name) ?? [];
    const only = pods.length === 1 ? pods[0] : undefined;
    if (only && d.shouldContinueRunning && !isTerminating(only) && isHealthyPhase(only)) {
      live.set(name, pods); // the common case: one running pod, nothing to decide
      continue;
    }
    const running: Pod[] = [];
    for (const pod of pods) {
      if (isTerminating(pod)) {
        terminating.add(name);
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
          recheck(until);
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

  // The rollout's state (stops, deadline, rollback) over the pods as they are, then the step.
  const revision = input.templateGeneration ?? 0;
  const stable = input.stable && input.stable.hash !== input.hash ? input.stable : undefined;
  let decision: RolloutDecision | undefined;
  let stableForFacts: { hash: string; revision: number } | undefined;
  let preFacts: RolloutFacts | undefined;
  if (rolling) {
    const { facts, recheckAt: failureAt } = rolloutFacts({
      ds,
      hash: input.hash,
      revision,
      ...(input.stable ? { stable: input.stable } : {}),
      now,
      desiredNodes: desired,
      podsByNode: live,
      unreachable,
      nodeLabels,
    });
    decision = decideRollout(ds, facts, now);
    stableForFacts = facts.stable;
    preFacts = facts;
    recheck(failureAt);
    recheck(decision.recheckAt);
  }
  const change = decision?.specChange;
  const paused =
    (isPausedBySpec(ds) && change?.paused !== false) ||
    change?.paused === true ||
    change?.rollbackTo !== undefined;
  const step = planRollout({
    ds,
    hash: input.hash,
    templateGeneration: input.templateGeneration,
    now,
    desiredNodes: desired,
    podsByNode: live,
    unreachable,
    nodeLabels,
    paused,
  });
  for (const pod of step.delete) {
    deletes.push({ pod, reason: "Outdated", message: "pod template is out of date" });
    const name = podTargetNode(pod) ?? "";
    live.set(
      name,
      (live.get(name) ?? []).filter((p) => p !== pod),
    );
  }
  for (const name of step.create) creates.push({ nodeName: name });

  // Every node that should run the DaemonSet and has no pod left gets one: of the update
  // revision if the rollout may move it there now, else of the stable revision.
  const creating = new Set(creates.map((c) => c.nodeName));
  for (const name of desired) {
    if ((live.get(name) ?? []).length === 0 && !terminating.has(name) && !creating.has(name)) {
      const onStable = stable !== undefined && (paused || !step.targets.has(name));
      creates.push(onStable ? { nodeName: name, stable: true } : { nodeName: name });
      creating.add(name);
    }
  }

  // The status the store will hold after this plan: live pods, terminating ones, new ones.
  // Arrays are shared with `live` unless this plan adds to a node.
  const after = new Map<string, Pod[]>(live);
  const addAfter = (name: string, pod: Pod): void => {
    after.set(name, [...(after.get(name) ?? []), pod]);
  };
  for (const name of terminating)
    for (const p of byNode.get(name) ?? []) if (isTerminating(p)) addAfter(name, p);
  const createdAt = rfc3339(now);
  for (const c of creates) addAfter(c.nodeName, placeholderPod(c, input, createdAt));
  if (minReady > 0)
    for (const pods of after.values()) for (const p of pods) recheck(availableAt(p, minReady));

  const status = computeDaemonSetStatus({
    ds,
    nodes: [...decisions].map(([name, d]) => ({ name, shouldRun: d.shouldRun })),
    podsByNode: after,
    hash: input.hash,
    templateGeneration: input.templateGeneration,
    now,
  });
  const plan: DaemonSetPlan = { create: creates, delete: deletes, status };
  if (decision) {
    // Counts as the store will hold them after this plan, like the rest of the status.
    // Nothing planned (the steady state): the counts are those the decision saw.
    const unchanged = creates.length === 0 && deletes.length === 0 && terminating.size === 0;
    const facts =
      unchanged && preFacts
        ? preFacts
        : rolloutFacts({
            ds,
            hash: input.hash,
            revision,
            ...(stableForFacts ? { stable: stableForFacts } : {}),
            now,
            desiredNodes: desired,
            podsByNode: after,
            unreachable,
            nodeLabels,
          }).facts;
    const shown = rolloutStatus(ds, decision.state, facts, now);
    status.rollout = shown.rollout;
    status.conditions = shown.conditions;
    plan.rollout = decision.specChange
      ? { specChange: decision.specChange, events: decision.events }
      : { events: decision.events };
  }
  if (recheckAt !== undefined) plan.recheckAt = recheckAt;
  return plan;
}

/** A node is left out of the rollout when its Ready condition says it is not Ready. */
function isNodeReachable(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  return ready === undefined || ready.status === "True";
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

/** Stands for a pod this plan creates, so the rollout and the status can count it. */
function placeholderPod(c: { nodeName: string; stable?: boolean }, input: PlanInput, createdAt: string): Pod {
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
