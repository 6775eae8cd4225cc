// A live list of objects, as an informer keeps one: list, then watch from the list's
// resourceVersion; on an error or an expired revision, list again. For the few objects a
// page shows (one DaemonSet, one node and its pods); the fleet grid has its own stream.

import type { KubeObject } from "../../../shared/api-types.js";
import { getJson, query, sleep, streamLines } from "./api.js";

interface List<T> {
  metadata: { resourceVersion?: string };
  items: T[];
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

/**
 * Keeps `onChange` told of the objects at `path` (a collection URL) matching the selectors,
 * until `signal` fires. `onError` hears of failures (the watch retries by itself).
 */
export async function watchList<T extends KubeObject>(
  path: string,
  selectors: { labelSelector?: string; fieldSelector?: string },
  signal: AbortSignal,
  onChange: (items: T[]) => void,
  onError: (e: unknown) => void = () => {},
): Promise<void> {
  while (!signal.aborted) {
    try {
      const list = await getJson<List<T>>(`${path}${query(selectors)}`, { signal });
      const items = new Map(list.items.map((o) => [keyOf(o), o]));
      onChange([...items.values()]);
      let rv = list.metadata.resourceVersion;
      let expired = false;
      await streamLines(
        `${path}${query({ ...selectors, watch: "true", resourceVersion: rv, allowWatchBookmarks: "true" })}`,
        signal,
        (line) => {
          const ev = JSON.parse(line) as { type: string; object: T };
          if (ev.type === "ERROR") {
            expired = true;
            return;
          }
          rv = ev.object.metadata.resourceVersion ?? rv;
          if (ev.type === "BOOKMARK") return;
          if (ev.type === "DELETED") items.delete(keyOf(ev.object));
          else items.set(keyOf(ev.object), ev.object);
          onChange([...items.values()]);
        },
      );
      if (!expired) await sleep(200, signal);
    } catch (e) {
      if (signal.aborted) return;
      onError(e);
      await sleep(2000, signal);
    }
  }
}

/** Runs `fn` at most once per `ms`, the last call winning (for refreshes a watch triggers). */
export function throttle(fn: () => void, ms: number): () => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      fn();
    }, wait);
  };
}
