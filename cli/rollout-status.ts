// The verdict on a DaemonSet rollout: kubectl's words for the counts, and everynode's own for
// what kubectl cannot see (a paused rollout, a partition reached, a rollout the controller
// stopped or rolled back), plus the old/new table per node group.

import type { DaemonSet, Pod } from "../shared/api-types.js";
import { EverynodeError } from "../shared/errors.js";
import { DESCRIBE_TABS, alignTabs } from "./printers/tabwriter.js";

export interface RolloutVerdict {
  message: string;
  done: boolean;
  /** The rollout failed: why, for the error the command exits with. */
  failed?: string;
}

/**
 * The message for a DaemonSet's current state and whether the rollout is done. `watchedHash`:
 * the revision the caller waits for, so that a rollback away from it reads as its failure.
 */
export function daemonSetRolloutStatus(ds: DaemonSet, watchedHash?: string): RolloutVerdict {
  if ((ds.spec.updateStrategy?.type ?? "RollingUpdate") !== "RollingUpdate")
    throw new EverynodeError(
      "BadRequest",
      "rollout status is only available for RollingUpdate strategy type",
    );
  const name = ds.metadata.name ?? "";
  const st = ds.status;
  if ((ds.metadata.generation ?? 0) > (st?.observedGeneration ?? 0))
    return { message: "Waiting for daemon set spec update to be observed...", done: false };
  const desired = st?.desiredNumberScheduled ?? 0;
  const updated = st?.updatedNumberScheduled ?? 0;
  const available = st?.numberAvailable ?? 0;
  const rollout = st?.rollout;
  const progressing = st?.conditions?.find((c) => c.type === "Progressing");
  const stop = rollout?.stop;
  const hash = watchedHash ?? rollout?.updateHash;
  if (stop && hash !== undefined && stop.hash === hash && (stop.active || stop.rolledBackTo)) {
    const failed = `daemon set "${name}" rollout failed: ${stop.reason}: ${stop.message}`;
    return { message: failed, done: true, failed };
  }
  if (progressing?.reason === "RolloutPaused")
    return {
      message: `Waiting for daemon set "${name}" rollout to finish: paused with ${updated} out of ${desired} new pods updated (resume: everynode rollout resume ds/${name})...`,
      done: false,
    };
  if (progressing?.reason === "WaitingForPartition") {
    const stable = rollout?.stableRevision !== undefined ? ` on revision ${rollout.stableRevision}` : "";
    return {
      message: `partitioned roll out complete: ${updated} out of ${desired} new pods have been updated; ${rollout?.heldBackNodes ?? 0} held back${stable} by the partition or selector`,
      done: true,
    };
  }
  if (progressing?.reason === "RolloutComplete" || (updated >= desired && available >= desired))
    return { message: `daemon set "${name}" successfully rolled out`, done: true };
  if (updated < desired)
    return {
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
      done: false,
    };
  return {
    message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    done: false,
  };
}

const HASH_LABEL = "controller-revision-hash";
const GENERATION_LABEL = "pod-template-generation";

function isAvailable(p: Pod): boolean {
  return (
    !p.metadata.deletionTimestamp &&
    (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
  );
}

/** Old and new pods per group of nodes: one row per revision the DaemonSet's pods run. */
export function rolloutGroupsTable(ds: DaemonSet, pods: readonly Pod[]): string {
  const rollout = ds.status?.rollout;
  const groups = new Map<string, { revision: string; nodes: string[]; available: number }>();
  for (const p of pods) {
    const hash = p.metadata.labels?.[HASH_LABEL] ?? "";
    const g = groups.get(hash) ?? {
      revision: p.metadata.labels?.[GENERATION_LABEL] ?? "?",
      nodes: [],
      available: 0,
    };
    g.nodes.push(p.spec.nodeName ?? "<none>");
    if (isAvailable(p)) g.available++;
    groups.set(hash, g);
  }
  const role = (hash: string): string =>
    hash === rollout?.updateHash ? "new" : hash === rollout?.stableHash ? "old (stable)" : "old";
  const order = (hash: string): number => (role(hash) === "new" ? 0 : role(hash) === "old (stable)" ? 1 : 2);
  const rows = [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(
      ([hash, g]) =>
        `${g.revision}\t${role(hash)}\t${g.nodes.length}\t${g.available}\t${g.nodes.sort().join(",")}\n`,
    );
  return alignTabs(`REVISION\tPODS\tNODES\tAVAILABLE\tNODE NAMES\n${rows.join("")}`, DESCRIBE_TABS);
}
