// Which nodes should run a DaemonSet's pod: the pure decision of Kubernetes'
// NodeShouldRunDaemonPod (nodeName, nodeSelector, required node affinity, taints against
// the template's tolerations plus the default daemon tolerations).

import type {
  DaemonSet,
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodSpec,
  Taint,
  Toleration,
} from "../../shared/api-types.js";

export interface DaemonPodDecision {
  /** A pod should be created on the node when it has none. */
  shouldRun: boolean;
  /** An existing pod may stay on the node. */
  shouldContinueRunning: boolean;
  /** Why not (when either answer is false). */
  reason?: string;
  /** When shouldContinueRunning turns false by itself (a NoExecute toleration expiring). */
  expiresAt?: number;
}

/** The tolerations every daemon pod gets, so that daemons survive node trouble and cordons. */
const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];
const HOST_NETWORK_TOLERATION: Toleration = {
  key: "node.kubernetes.io/network-unavailable",
  operator: "Exists",
  effect: "NoSchedule",
};

/**
 * The template's tolerations with the default daemon tolerations merged in. A template
 * toleration with the same key and effect as a default is replaced by the default, not
 * duplicated (the default tolerates at least as much).
 */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  return daemonPodTolerationsOf(spec).map((t) => ({ ...t }));
}

// Stored specs are frozen, so the merged list can be kept per spec object: eligibility runs
// for every (node, DaemonSet) pair on every pass.
const mergedTolerations = new WeakMap<PodSpec, readonly Toleration[]>();

function daemonPodTolerationsOf(spec: PodSpec): readonly Toleration[] {
  const cached = mergedTolerations.get(spec);
  if (cached && Object.isFrozen(spec)) return cached;
  const merged = mergeTolerations(spec);
  if (Object.isFrozen(spec)) mergedTolerations.set(spec, merged);
  return merged;
}

function mergeTolerations(spec: PodSpec): Toleration[] {
  const result = (spec.tolerations ?? []).map((t) => ({ ...t }));
  const defaults = spec.hostNetwork ? [...DEFAULT_TOLERATIONS, HOST_NETWORK_TOLERATION] : DEFAULT_TOLERATIONS;
  for (const d of defaults) {
    const i = result.findIndex((t) => (t.key ?? "") === d.key && (t.effect ?? "") === d.effect);
    if (i >= 0) result[i] = { ...d };
    else result.push({ ...d });
  }
  return result;
}

/** Whether one toleration tolerates one taint (tolerationSeconds plays no part). */
export function tolerationToleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? "Equal") {
    case "Exists":
      return true;
    case "Equal":
      return (toleration.value ?? "") === (taint.value ?? "");
    default:
      return false;
  }
}

/** Whether any of the tolerations tolerates the taint. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => tolerationToleratesTaint(t, taint));
}

const INT64 = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function parseInt64(s: string | undefined): bigint | undefined {
  if (s === undefined || !INT64.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/** One label requirement; malformed ones (wrong value count, bad number) match nothing. */
function matchesRequirement(req: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const values = req.values ?? [];
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case "In":
      return values.length > 0 && has && values.includes(value ?? "");
    case "NotIn":
      return values.length > 0 && (!has || !values.includes(value ?? ""));
    case "Exists":
      return values.length === 0 && has;
    case "DoesNotExist":
      return values.length === 0 && !has;
    case "Gt":
    case "Lt": {
      if (values.length !== 1) return false;
      const bound = parseInt64(values[0]);
      const actual = has ? parseInt64(value) : undefined;
      if (bound === undefined || actual === undefined) return false;
      return req.operator === "Gt" ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** A field requirement: only metadata.name with In/NotIn and exactly one value is valid. */
function matchesField(req: NodeSelectorRequirement, nodeName: string): boolean {
  if (req.key !== "metadata.name" || req.values?.length !== 1) return false;
  if (req.operator === "In") return req.values[0] === nodeName;
  if (req.operator === "NotIn") return req.values[0] !== nodeName;
  return false;
}

/**
 * Required node affinity: terms are ORed, everything inside a term is ANDed, and an empty
 * term matches nothing (so an empty term list matches no node).
 */
export function matchesNodeSelectorTerms(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  const name = node.metadata.name ?? "";
  return terms.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return exprs.every((r) => matchesRequirement(r, labels)) && fields.every((r) => matchesField(r, name));
  });
}

function matchesNodeSelector(selector: Record<string, string> | undefined, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  return Object.entries(selector ?? {}).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
}

function describeTaint(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
}

/**
 * Decides whether the DaemonSet's pod should be created on the node and whether an existing
 * one may stay (Kubernetes' semantics, §1.1 and §1.7 of the reference).
 *
 * everynode's choice for a NoExecute taint that is tolerated only by tolerations with
 * `tolerationSeconds`: no new pod is placed (shouldRun=false, so the DaemonSet cannot loop
 * evict → recreate), and an existing pod stays until `timeAdded + min(tolerationSeconds)`.
 * A taint without `timeAdded` counts as added `now`, so such a pod stays until someone
 * stamps the taint (everynode's own taints always carry timeAdded); tolerationSeconds ≤ 0
 * means at once.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet, now: number): DaemonPodDecision {
  const spec = ds.spec.template.spec;
  const nodeName = node.metadata.name ?? "";
  if (spec.nodeName && spec.nodeName !== nodeName) {
    return {
      shouldRun: false,
      shouldContinueRunning: false,
      reason: `template is bound to node ${spec.nodeName}`,
    };
  }
  if (!matchesNodeSelector(spec.nodeSelector, node)) {
    return { shouldRun: false, shouldContinueRunning: false, reason: "node does not match the nodeSelector" };
  }
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !matchesNodeSelectorTerms(required.nodeSelectorTerms ?? [], node)) {
    return {
      shouldRun: false,
      shouldContinueRunning: false,
      reason: "node does not match the required node affinity",
    };
  }

  const tolerations = daemonPodTolerationsOf(spec);
  // An untolerated (or expired) NoExecute taint returns at once; what remains keeps the pod.
  let shouldRun = true;
  let reason: string | undefined;
  let expiresAt: number | undefined;
  for (const taint of node.spec.taints ?? []) {
    if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
    const matching = tolerations.filter((t) => tolerationToleratesTaint(t, taint));
    if (matching.length === 0) {
      shouldRun = false;
      reason ??= `untolerated taint ${describeTaint(taint)}`;
      if (taint.effect === "NoExecute") {
        return {
          shouldRun: false,
          shouldContinueRunning: false,
          reason: `untolerated taint ${describeTaint(taint)}`,
        };
      }
      continue;
    }
    if (taint.effect !== "NoExecute" || matching.some((t) => t.tolerationSeconds === undefined)) continue;
    // Tolerated for a while only: place nothing, keep an existing pod until the time is up.
    shouldRun = false;
    reason ??= `taint ${describeTaint(taint)} is tolerated only for a limited time`;
    const seconds = Math.min(...matching.map((t) => t.tolerationSeconds ?? 0));
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const until = (Number.isNaN(added) ? now : added) + Math.max(0, seconds) * 1000;
    if (seconds <= 0 || until <= now) {
      return {
        shouldRun: false,
        shouldContinueRunning: false,
        reason: `toleration of taint ${describeTaint(taint)} expired`,
      };
    }
    expiresAt = expiresAt === undefined ? until : Math.min(expiresAt, until);
  }
  const decision: DaemonPodDecision = { shouldRun, shouldContinueRunning: true };
  if (reason !== undefined) decision.reason = reason;
  if (expiresAt !== undefined) decision.expiresAt = expiresAt;
  return decision;
}
