// What operators graph about the fleet, from the objects as they are now: nodes by their
// Ready condition, each DaemonSet's status counts (named as kube-state-metrics names them, so
// that its dashboards and alerts carry over) and rollout progress. Pure: the objects in, the
// samples out; computed at scrape time from the store's in-memory objects.

import type { DaemonSet, DaemonSetStatus, Node } from "../../shared/api-types.js";
import type { Sample } from "./scrape-metric.js";

export const READY_STATUSES = ["True", "False", "Unknown"] as const;

/** Nodes by their Ready condition; a node that has none yet counts as Unknown. */
export function nodesByReady(nodes: readonly Node[]): Sample[] {
  const counts: Record<string, number> = { True: 0, False: 0, Unknown: 0 };
  for (const node of nodes) {
    const status = node.status?.conditions?.find((c) => c.type === "Ready")?.status;
    const key = status === "True" || status === "False" ? status : "Unknown";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return READY_STATUSES.map((s) => ({ labels: { ready: s }, value: counts[s] ?? 0 }));
}

/** One gauge per DaemonSet status count. */
export const DAEMONSET_STATUS_GAUGES: readonly {
  name: string;
  help: string;
  value: (s: Partial<DaemonSetStatus>) => number | undefined;
}[] = [
  {
    name: "everynode_daemonset_status_desired_number_scheduled",
    help: "Nodes that should run the DaemonSet's pod.",
    value: (s) => s.desiredNumberScheduled,
  },
  {
    name: "everynode_daemonset_status_current_number_scheduled",
    help: "Nodes that run at least one of its pods and should.",
    value: (s) => s.currentNumberScheduled,
  },
  {
    name: "everynode_daemonset_status_number_ready",
    help: "Nodes whose pod of the DaemonSet is Ready.",
    value: (s) => s.numberReady,
  },
  {
    name: "everynode_daemonset_status_updated_number_scheduled",
    help: "Nodes that run the DaemonSet's current revision.",
    value: (s) => s.updatedNumberScheduled,
  },
  {
    name: "everynode_daemonset_status_number_available",
    help: "Nodes whose pod has been Ready for minReadySeconds.",
    value: (s) => s.numberAvailable,
  },
  {
    name: "everynode_daemonset_status_number_unavailable",
    help: "Nodes that should run an available pod and do not.",
    value: (s) => s.numberUnavailable,
  },
  {
    name: "everynode_daemonset_status_number_misscheduled",
    help: "Nodes that run its pod and should not.",
    value: (s) => s.numberMisscheduled,
  },
];

/** The reasons a controller stops a rollout itself; each is a series, 0 or 1. */
export const ROLLOUT_STOP_REASONS = ["AutoPaused", "ProgressDeadlineExceeded"] as const;

function dsLabels(ds: DaemonSet): Record<string, string> {
  return { namespace: ds.metadata.namespace ?? "", daemonset: ds.metadata.name ?? "" };
}

/** A count as a gauge value: stored objects may hold anything, absent counts are 0. */
function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** The samples of one status gauge, one per DaemonSet. */
export function statusSamples(
  dss: readonly DaemonSet[],
  gauge: (typeof DAEMONSET_STATUS_GAUGES)[number],
): Sample[] {
  return dss.map((ds) => ({ labels: dsLabels(ds), value: count(gauge.value(ds.status ?? {})) }));
}

/**
 * The share of desired nodes that run the current revision (1 when none is desired): the
 * rollout's progress, as `kubectl rollout status` counts it.
 */
export function updatedRatio(dss: readonly DaemonSet[]): Sample[] {
  return dss.map((ds) => {
    const desired = count(ds.status?.desiredNumberScheduled);
    const updated = count(ds.status?.updatedNumberScheduled);
    return { labels: dsLabels(ds), value: desired > 0 ? Math.min(1, updated / desired) : 1 };
  });
}

/** 1 while a person paused the rollout (spec.updateStrategy.rollingUpdate.paused). */
export function pausedSamples(dss: readonly DaemonSet[]): Sample[] {
  return dss.map((ds) => ({
    labels: dsLabels(ds),
    value: ds.spec?.updateStrategy?.rollingUpdate?.paused === true ? 1 : 0,
  }));
}

/**
 * 1 for the reason the controller stopped the rollout itself (an active stop), 0 for the
 * others: one series per known reason, plus one for a reason it does not know yet.
 */
export function stoppedSamples(dss: readonly DaemonSet[]): Sample[] {
  const out: Sample[] = [];
  for (const ds of dss) {
    const stop = ds.status?.rollout?.stop;
    const active = stop?.active === true && typeof stop.reason === "string" ? stop.reason : undefined;
    for (const reason of ROLLOUT_STOP_REASONS)
      out.push({ labels: { ...dsLabels(ds), reason }, value: active === reason ? 1 : 0 });
    if (active !== undefined && !(ROLLOUT_STOP_REASONS as readonly string[]).includes(active))
      out.push({ labels: { ...dsLabels(ds), reason: active }, value: 1 });
  }
  return out;
}
