// emptyDir.sizeLimit on disk, decided as the kubelet's eviction manager does: a volume whose
// measured usage is over its limit gets its pod evicted, with the kubelet's message. Memory
// volumes are not measured here: their tmpfs is made with the limit as its size. Pure.

import type { Pod } from "../../shared/api-types.js";
import { memoryToBytes } from "../../shared/quantity.js";

/** A disk emptyDir with a sizeLimit. */
export interface LimitedVolume {
  volume: string;
  /** The limit as the pod spec writes it (quoted in the message). */
  limit: string;
  limitBytes: number;
}

/** The pod's disk emptyDirs that have a sizeLimit. */
export function limitedEmptyDirs(pod: Pod): LimitedVolume[] {
  const out: LimitedVolume[] = [];
  for (const v of pod.spec.volumes ?? []) {
    const e = v.emptyDir;
    if (!e || e["medium"] === "Memory") continue;
    const limit = e["sizeLimit"];
    if (typeof limit !== "string" && typeof limit !== "number") continue;
    const limitBytes = memoryToBytes(limit);
    if (limitBytes > 0) out.push({ volume: v.name, limit: String(limit), limitBytes });
  }
  return out;
}

/** The eviction message when a measured volume is over its limit, else undefined. */
export function evictionMessage(
  limited: LimitedVolume[],
  usage: ReadonlyMap<string, number>,
): string | undefined {
  for (const v of limited) {
    const used = usage.get(v.volume);
    if (used !== undefined && used > v.limitBytes)
      return `Usage of EmptyDir volume "${v.volume}" exceeds the limit "${v.limit}".`;
  }
  return undefined;
}
