// `describe daemonset`: kubectl's layout, from the DaemonSet, its pods' phases and its events.

import type { DaemonSet, KubeEvent, Pod, PodTemplateSpec } from "../../shared/api-types.js";
import { formatLabels } from "../printers/table-printer.js";
import {
  DescribeWriter,
  selectorText,
  writeAnnotations,
  writeEvents,
  writeLabels,
  writeTolerations,
} from "./common.js";
import { writeContainers, writeVolumes } from "./containers.js";

/** Pods of a DaemonSet counted by phase (Pending counts as Waiting). */
export function podPhaseCounts(pods: Pod[]): {
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
} {
  const c = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    const phase = p.status?.phase ?? "Pending";
    if (phase === "Running") c.running++;
    else if (phase === "Pending") c.waiting++;
    else if (phase === "Succeeded") c.succeeded++;
    else if (phase === "Failed") c.failed++;
  }
  return c;
}

/** `Pod Template:` as kubectl writes it for controllers. */
export function writePodTemplate(w: DescribeWriter, template: PodTemplateSpec | undefined): void {
  w.write(0, "Pod Template:\n");
  if (!template) {
    w.write(1, "<unset>");
    return;
  }
  writeLabels(w, "  Labels", template.metadata?.labels);
  if (Object.keys(template.metadata?.annotations ?? {}).length > 0)
    writeAnnotations(w, "  Annotations", template.metadata?.annotations);
  const spec = template.spec;
  if (typeof spec.serviceAccountName === "string" && spec.serviceAccountName)
    w.write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if (spec.initContainers?.length)
    writeContainers(w, "Init Containers", spec.initContainers, undefined, "  ");
  writeContainers(w, "Containers", spec.containers ?? [], undefined, "  ");
  writeVolumes(w, spec.volumes, "  ");
  if (typeof spec.priorityClassName === "string" && spec.priorityClassName)
    w.write(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  writeLabels(w, "  Node-Selectors", spec.nodeSelector);
  writeTolerations(w, "  Tolerations", spec.tolerations);
}

/** The whole description of a DaemonSet. */
export function describeDaemonSet(
  ds: DaemonSet,
  pods: Pod[],
  events: KubeEvent[] | undefined,
  nowMs: number,
): string {
  const w = new DescribeWriter();
  const st = ds.status;
  const counts = podPhaseCounts(pods);
  w.write(0, `Name:\t${ds.metadata.name ?? ""}\n`);
  w.write(0, `Selector:\t${selectorText(ds.spec.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(ds.spec.template?.spec?.nodeSelector)}\n`);
  writeLabels(w, "Labels", ds.metadata.labels);
  writeAnnotations(w, "Annotations", ds.metadata.annotations);
  w.write(0, `Desired Number of Nodes Scheduled: ${st?.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${st?.currentNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${st?.updatedNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${st?.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${st?.numberMisscheduled ?? 0}\n`);
  w.write(
    0,
    `Pods Status:\t${counts.running} Running / ${counts.waiting} Waiting / ${counts.succeeded} Succeeded / ${counts.failed} Failed\n`,
  );
  writePodTemplate(w, ds.spec.template);
  writeRollout(w, ds);
  writeConditions(w, ds);
  writeEvents(w, events, nowMs);
  return w.toString();
}

/** everynode's rollout (once the controller reports one): strategy, revisions, stops. */
function writeRollout(w: DescribeWriter, ds: DaemonSet): void {
  const strategy = ds.spec.updateStrategy;
  const ru = strategy?.rollingUpdate;
  const r = ds.status?.rollout;
  if ((strategy?.type ?? "RollingUpdate") !== "RollingUpdate" || !r) return;
  const parts = [`max unavailable ${ru?.maxUnavailable ?? 1}`, `max surge ${ru?.maxSurge ?? 0}`];
  if (ru?.partition !== undefined) parts.push(`partition ${ru.partition}`);
  if (ru?.selector) parts.push(`node selector ${selectorText(ru.selector)}`);
  parts.push(`progress deadline ${ru?.progressDeadlineSeconds ?? 600}s`);
  if (ru?.autoRollback) parts.push("auto rollback");
  if (ru?.autoPause?.enabled === false) parts.push("auto pause off");
  if (ru?.prePull) parts.push("pre-pull");
  w.write(0, "Rollout:\n");
  w.write(1, `Strategy:\tRollingUpdate, ${parts.join(", ")}\n`);
  w.write(1, `Paused:\t${ru?.paused === true ? "true" : "false"}\n`);
  const stable = r.stableRevision !== undefined ? ` (stable: ${r.stableRevision})` : "";
  w.write(1, `Revision:\t${r.updateRevision}${stable}\n`);
  w.write(1, `Nodes:\t${r.updatedNodes} new, ${r.oldNodes} old, ${r.heldBackNodes} held back\n`);
  if (r.prePullPendingNodes !== undefined)
    w.write(1, `Pre-pull:\t${r.prePulledNodes ?? 0} nodes ready, ${r.prePullPendingNodes} pulling\n`);
  if (r.stop) {
    const state = r.stop.active ? "" : r.stop.rolledBackTo ? " (rolled back)" : " (resumed)";
    w.write(1, `Stopped:\t${r.stop.reason}${state}: ${r.stop.message}\n`);
  }
}

/** The Progressing and Available conditions, as kubectl shows a Deployment's. */
function writeConditions(w: DescribeWriter, ds: DaemonSet): void {
  const conditions = ds.status?.conditions ?? [];
  if (conditions.length === 0) return;
  w.write(0, "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n");
  for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ""}\n`);
}
