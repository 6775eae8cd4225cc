// Which log files and links to remove, as a pure decider: an attempt's files (`<n>.log` and
// its rotations) and a container's link go once their container has been gone from the
// engine for the grace period (a shipper may still be reading the last lines), as the
// kubelet removes them with the container. Whether a container is gone is judged against
// every node's containers, so agents that share one log directory never remove each other's.

/** What is on disk: attempt keys (`<pod dir>/<container>/<restartCount>`) and link names. */
export interface OnDisk {
  attempts: string[];
  links: { name: string; containerId: string }[];
}

/** What the engine runs (every node's managed containers). */
export interface Live {
  attempts: ReadonlySet<string>;
  containerIds: ReadonlySet<string>;
}

export interface CleanupDecision {
  removeAttempts: string[];
  removeLinks: string[];
  /** When each absent thing was first seen absent (carried to the next pass). */
  goneSince: Map<string, number>;
}

/** The key of one attempt's files. */
export function attemptKey(podDir: string, container: string, restartCount: number): string {
  return `${podDir}/${container}/${restartCount}`;
}

export function planCleanup(
  disk: OnDisk,
  live: Live,
  goneSince: ReadonlyMap<string, number>,
  now: number,
  graceMs: number,
): CleanupDecision {
  const next = new Map<string, number>();
  const due = (key: string, isLive: boolean): boolean => {
    if (isLive) return false;
    const since = goneSince.get(key) ?? now;
    if (now - since >= graceMs) return true;
    next.set(key, since);
    return false;
  };
  const removeAttempts = disk.attempts.filter((a) => due(`attempt:${a}`, live.attempts.has(a)));
  const removeLinks = disk.links
    .filter((l) => due(`link:${l.name}`, live.containerIds.has(l.containerId)))
    .map((l) => l.name);
  return { removeAttempts, removeLinks, goneSince: next };
}
