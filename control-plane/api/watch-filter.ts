// The pure half of a watch: what a store change looks like to a client that watches a subset.
// An object that stops matching is DELETED for that client, one that starts matching is ADDED,
// as the Kubernetes API server does.

import type { KubeObject, WatchEventType } from "../../shared/api-types.js";
import type { ChangeEvent } from "../store/store.js";

/** The event type a filtered watcher should see for a change, or undefined for none. */
export function filteredEventType(
  change: ChangeEvent,
  matches: (o: KubeObject) => boolean,
): WatchEventType | undefined {
  switch (change.type) {
    case "ADDED":
      return matches(change.object) ? "ADDED" : undefined;
    case "DELETED":
      return matches(change.previous ?? change.object) || matches(change.object) ? "DELETED" : undefined;
    case "MODIFIED": {
      const before = change.previous !== undefined && matches(change.previous);
      const now = matches(change.object);
      if (before && now) return "MODIFIED";
      if (now) return "ADDED";
      if (before) return "DELETED";
      return undefined;
    }
  }
}

/** Parses a watch's resourceVersion: undefined for "send the current state first" (unset or "0"). */
export function watchStartRevision(raw: string | null): number | undefined {
  if (raw === null || raw === "" || raw === "0") return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : Number.NaN;
}
