// A DaemonSet's pods grouped by revision for the dashboard's rollout panel: how many nodes
// run the new revision, the stable one and any other, how many of them are ready, and a
// few of their node names. Counts only, so a 10,000-node DaemonSet stays a small answer.

import type { DaemonSet, Pod } from "../../shared/api-types.js";
import { GENERATION_LABEL, HASH_LABEL, isPodReady, isTerminating } from "../controller/pod-utils.js";
import type { RevisionGroup, RevisionRole } from "./grid-protocol.js";

const ORDER: Record<RevisionRole, number> = { new: 0, stable: 1, old: 2 };

export function rolloutGroups(ds: DaemonSet, pods: readonly Pod[], sample = 20): RevisionGroup[] {
  const rollout = ds.status?.rollout;
  const byHash = new Map<string, { group: RevisionGroup; names: string[] }>();
  for (const pod of pods) {
    const hash = pod.metadata.labels?.[HASH_LABEL] ?? "";
    let entry = byHash.get(hash);
    if (!entry) {
      const role: RevisionRole =
        hash === rollout?.updateHash ? "new" : hash === rollout?.stableHash ? "stable" : "old";
      entry = {
        group: {
          hash,
          revision: pod.metadata.labels?.[GENERATION_LABEL] ?? "?",
          role,
          pods: 0,
          ready: 0,
          terminating: 0,
          nodes: [],
          more: 0,
        },
        names: [],
      };
      byHash.set(hash, entry);
    }
    const g = entry.group;
    g.pods++;
    if (isTerminating(pod)) g.terminating++;
    else if (isPodReady(pod)) g.ready++;
    entry.names.push(pod.spec.nodeName ?? "<unbound>");
  }
  return [...byHash.values()]
    .map(({ group, names }) => {
      names.sort();
      group.nodes = names.slice(0, sample);
      group.more = Math.max(0, names.length - sample);
      return group;
    })
    .sort((a, b) => ORDER[a.role] - ORDER[b.role] || Number(b.revision) - Number(a.revision));
}
