// What one grid cell shows: the state of a DaemonSet's pod on a node, or, without a pod,
// whether the node should run one and why not, from the controller's own placement decider
// (nodeShouldRunDaemonPod). Pure.

import type { DaemonSet, Node, Pod } from "../../../shared/api-types.js";
import { nodeShouldRunDaemonPod } from "../../controller/eligibility.js";
import { GENERATION_LABEL, HASH_LABEL, isPodReady, isTerminating } from "../../controller/pod-utils.js";
import type { CellState, NodeCode } from "../grid-protocol.js";

export interface Cell {
  state: CellState;
  reason?: string;
}

/** Waiting reasons of a container that will not get going by itself. */
const FAILING_REASONS = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "ErrImageNeverPull",
  "InvalidImageName",
  "CreateContainerError",
  "CreateContainerConfigError",
  "RunContainerError",
]);

/** The pod a cell is about when a node has several of one DaemonSet (surge, a replacement). */
function pickPod(pods: readonly Pod[], updateHash: string | undefined): Pod | undefined {
  const live = pods.filter((p) => !isTerminating(p));
  return (
    live.find((p) => updateHash !== undefined && p.metadata.labels?.[HASH_LABEL] === updateHash) ??
    live[0] ??
    pods[0]
  );
}

function waitingProblem(pod: Pod): Cell | undefined {
  for (const c of pod.status?.containerStatuses ?? []) {
    const w = c.state.waiting;
    if (!w?.reason) continue;
    const detail = `${c.name}: ${w.reason}${w.message ? ` (${w.message})` : ""}`;
    if (w.reason === "CrashLoopBackOff")
      return { state: "crashloop", reason: `${detail}, ${c.restartCount} restarts` };
    if (FAILING_REASONS.has(w.reason)) return { state: "failing", reason: detail };
  }
  return undefined;
}

function firstWaitingReason(pod: Pod): string | undefined {
  const c = (pod.status?.containerStatuses ?? []).find((s) => s.state.waiting?.reason);
  return c ? `${c.name}: ${c.state.waiting?.reason}` : undefined;
}

/** Why a pod of an older revision is still there, in the rollout's words. */
function oldRevisionReason(pod: Pod, ds: DaemonSet): string {
  const rollout = ds.status?.rollout;
  const from = pod.metadata.labels?.[GENERATION_LABEL] ?? "?";
  const to = rollout?.updateRevision ?? "?";
  const progressing = ds.status?.conditions?.find((c) => c.type === "Progressing");
  const why =
    ds.spec.updateStrategy?.rollingUpdate?.paused === true
      ? "rollout paused"
      : progressing?.reason === "WaitingForPartition"
        ? "held back by the partition or selector"
        : ds.spec.updateStrategy?.type === "OnDelete"
          ? "OnDelete: replaced when deleted"
          : "waiting for its turn";
  return `revision ${from}, rolling out ${to}: ${why}`;
}

function podCell(pod: Pod, ds: DaemonSet): Cell {
  if (isTerminating(pod)) return { state: "terminating", reason: "being deleted" };
  const problem = waitingProblem(pod);
  if (problem) return problem;
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") {
    const why = [pod.status?.reason, pod.status?.message].filter(Boolean).join(": ");
    return { state: "failing", reason: why || `pod ${phase === "Failed" ? "failed" : "exited"}` };
  }
  if (!pod.status || phase === undefined || phase === "Pending" || phase === "Unknown") {
    const waiting = firstWaitingReason(pod);
    return {
      state: "pending",
      reason:
        waiting ?? (pod.status ? `phase ${phase ?? "unknown"}` : "not yet reported by the node's agent"),
    };
  }
  const updateHash = ds.status?.rollout?.updateHash;
  const hash = pod.metadata.labels?.[HASH_LABEL];
  if (updateHash !== undefined && hash !== undefined && hash !== updateHash)
    return { state: "updating", reason: oldRevisionReason(pod, ds) };
  if (isPodReady(pod)) return { state: "ready" };
  const notReady = (pod.status.containerStatuses ?? []).filter((c) => !c.ready).map((c) => c.name);
  return {
    state: "running",
    reason: notReady.length > 0 ? `not ready: ${notReady.join(", ")}` : "not ready",
  };
}

/**
 * The cell of DaemonSet `ds` on `node`, given the DaemonSet's pods bound to that node. A pod
 * on a node that should no longer run it shows the pod's state with the decider's reason.
 */
export function cellOf(node: Node, ds: DaemonSet, pods: readonly Pod[], now: number): Cell {
  const pod = pickPod(pods, ds.status?.rollout?.updateHash);
  const decision = nodeShouldRunDaemonPod(node, ds, now);
  if (!pod) {
    if (!decision.shouldRun)
      return { state: "ineligible", reason: decision.reason ?? "the node should not run it" };
    return { state: "missing", reason: "the node should run it; the controller has not made its pod yet" };
  }
  const cell = podCell(pod, ds);
  if (!decision.shouldContinueRunning && decision.reason)
    return {
      state: cell.state,
      reason: `${cell.reason ? `${cell.reason}; ` : ""}misplaced: ${decision.reason}`,
    };
  return cell;
}

/** The node's readiness and cordon as a row shows them. */
export function nodeCodeOf(node: Node): NodeCode {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status;
  const code = ready === "True" ? "R" : ready === "False" ? "N" : "U";
  return node.spec.unschedulable ? `${code}c` : code;
}
