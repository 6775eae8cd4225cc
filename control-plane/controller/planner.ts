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
import { isRollingUpdate, planRollout, rolloutBudget } from "./rollout.js";

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
  create: { nodeName: string }[];
  delete: PlannedDelete[];
  /** The status the DaemonSet has once this plan is applied. */
  status: DaemonSetStatus;
  /** When a new pass may decide differently without any change (back-off end, minReadySeconds). */
  recheckAt?: number;
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
}

/** Plans one DaemonSet: manage (create, prune, delete ineligible), then the rolling update. */
export function planDaemonSet(input: PlanInput): DaemonSetPlan {
  const { ds, now } = input;
  const minReady = ds.spec.minReadySeconds ?? 0;
  const deletes: PlannedDelete[] = [];
  const creates: string[] = [];
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
  const surge = isRollingUpdate(ds) && rolloutBudget(ds, desired.length).maxSurge > 0;

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
    live.set(name, surge ? pruneSurging(running, input, deletes) : pruneDuplicates(running, deletes));
  }

  // Rolling update over the state manage leaves behind.
  const step = planRollout({
    ds,
    hash: input.hash,
    templateGeneration: input.templateGeneration,
    now,
    desiredNodes: desired,
    podsByNode: live,
  });
  for (const pod of step.delete) {
    deletes.push({ pod, reason: "Outdated", message: "pod template is out of date" });
    const name = podTargetNode(pod) ?? "";
    live.set(
      name,
      (live.get(name) ?? []).filter((p) => p !== pod),
    );
  }
  for (const name of step.create) creates.push(name);

  // Every node that should run the DaemonSet and has no pod left gets one.
  const creating = new Set(creates);
  for (const name of desired) {
    if ((live.get(name) ?? []).length === 0 && !terminating.has(name) && !creating.has(name)) {
      creates.push(name);
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
  for (const name of creates) addAfter(name, placeholderPod(name, input, createdAt));
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
  const plan: DaemonSetPlan = { create: creates.map((nodeName) => ({ nodeName })), delete: deletes, status };
  if (recheckAt !== undefined) plan.recheckAt = recheckAt;
  return plan;
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
function pruneSurging(running: Pod[], input: PlanInput, deletes: PlannedDelete[]): Pod[] {
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
    if (newest && (!isPodReady(oldest) || isPodAvailable(newest, minReady, input.now))) {
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
function placeholderPod(nodeName: string, input: PlanInput, createdAt: string): Pod {
  const labels: Record<string, string> = { [HASH_LABEL]: input.hash };
  if (input.templateGeneration !== undefined) labels[GENERATION_LABEL] = String(input.templateGeneration);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "", creationTimestamp: createdAt, labels },
    spec: { containers: [], nodeName },
    status: { phase: "Pending" },
  };
}
