// The side-effect half of a watch: 200 and headers flushed at once (kubectl's informers wait
// for them), then one JSON event per line. From resourceVersion N the store replays what came
// after N; without one (or "0") the current matches come first as ADDED. A revision older
// than the store's history is one ERROR line with a 410 Expired Status, then the end.

import type { Request, Response } from "express";
import type { KubeObject, WatchEventType } from "../../shared/api-types.js";
import { EverynodeError, errors } from "../../shared/errors.js";
import { apiVersionOf } from "../kube/index.js";
import type { WatchHandle } from "../store/store.js";
import type { HandlerContext } from "./deps.js";
import { statusFor } from "./error-handler.js";
import { matchesFilter, type ObjectFilter } from "./list-options.js";
import { tableRequest } from "./negotiation.js";
import { renderTable, selectObjects, withTypeMeta } from "./read-handlers.js";
import type { ResourceTarget } from "./request-target.js";
import { boolParam } from "./respond.js";
import { filteredEventType, watchStartRevision } from "./watch-filter.js";
import { watchTimeoutMs } from "./watch-timeout.js";

// A watcher that stops reading would make the server buffer without end; like the Kubernetes
// API server, everynode drops it instead, and the client re-watches from its last revision.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Serves `?watch=true` on a collection (or on one object's URL, as a name filter), with the
 * filter the authorizer judged.
 */
export function handleWatch(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
  filter: ObjectFilter,
): void {
  // Everything that can be a 400 is decided before the 200 goes out.
  const start = watchStartRevision(q.get("resourceVersion"));
  if (Number.isNaN(start))
    throw errors.badRequest(`invalid resourceVersion: ${JSON.stringify(q.get("resourceVersion"))}`);
  const timeout = watchTimeoutMs(q.get("timeoutSeconds"));
  const table = tableRequest(req.headers.accept, q);
  const kind = target.info.kind;
  const apiVersion = apiVersionOf(target.info);

  res.statusCode = 200;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-cache, private");
  res.flushHeaders();

  let closed = false;
  let handle: WatchHandle | undefined;
  let stopBookmarks: (() => void) | undefined;
  const abort = new AbortController();
  const close = (): void => {
    if (closed) return;
    closed = true;
    handle?.cancel();
    stopBookmarks?.();
    abort.abort();
    res.end();
  };
  res.on("close", close);

  const writeLine = (type: WatchEventType, object: unknown): void => {
    if (closed) return;
    res.write(JSON.stringify({ type, object }) + "\n");
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      ctx.logger.warn("dropping a watch that does not read", { resource: target.info.resource });
      res.destroy();
      close();
    }
  };
  const render = (o: KubeObject): unknown =>
    table ? renderTable(ctx, target, table, [o], o.metadata.resourceVersion ?? "") : withTypeMeta(o, target);

  try {
    const matches = (o: KubeObject): boolean => matchesFilter(filter, o);
    const listener = (change: Parameters<Parameters<typeof ctx.store.watch>[2]>[0]): void => {
      const type = filteredEventType(change, matches);
      if (type) writeLine(type, render(change.object));
    };
    if (start === undefined) {
      // Listing and subscribing in one synchronous step: no write can fall between them.
      for (const o of selectObjects(ctx, filter)) writeLine("ADDED", render(o));
      handle = ctx.store.watch(target.info.resource, ctx.store.revision(), listener);
    } else {
      handle = ctx.store.watch(target.info.resource, start, listener);
    }
  } catch (e) {
    const err = e instanceof EverynodeError && e.code === "Expired" ? errors.expired() : e;
    writeLine("ERROR", statusFor(err, ctx.logger).status);
    close();
    return;
  }
  if (closed) {
    handle.cancel();
    return;
  }

  if (boolParam(q, "allowWatchBookmarks")) {
    stopBookmarks = ctx.clock.every(ctx.watchBookmarkIntervalMs, () =>
      writeLine("BOOKMARK", {
        kind,
        apiVersion,
        metadata: { resourceVersion: String(ctx.store.revision()) },
      }),
    );
  }
  if (timeout !== undefined) {
    ctx.clock.sleep(timeout, abort.signal).then(close, () => {});
  }
}
