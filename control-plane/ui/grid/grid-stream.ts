// GET /ui/api/grid: the grid as a stream of JSON lines (see grid-protocol.ts). Filters are
// checked before the 200 goes out; then a snapshot in slices, then the batched changes at
// most every flush interval, and a ping now and then so that idle proxies keep the line.

import type { Request, Response } from "express";
import type { Clock } from "../../../shared/clock.js";
import { errors } from "../../../shared/errors.js";
import type { Logger } from "../../../shared/logger.js";
import { parseLabelSelector } from "../../kube/index.js";
import { boolParam, queryOf } from "../../api/respond.js";
import { GRID_PARAMS, type GridMessage } from "../grid-protocol.js";
import { setSecurityHeaders } from "../security-headers.js";
import type { GridModel } from "./grid-model.js";
import { GridSubscription, type GridFilter } from "./grid-subscription.js";

export interface GridStreamOptions {
  /** How often batched changes go out; default 100 ms (at most 10 updates a second). */
  flushMs?: number;
  pingMs?: number;
}

/** Past this much unread output the flushes pause until the client drains it. */
const PAUSE_BYTES = 1024 * 1024;
/** A client this far behind is dropped, as a watch is; the page reconnects. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The filter a request asks for; a 400 naming what is wrong otherwise. */
export function gridFilterOf(q: URLSearchParams): GridFilter {
  for (const name of q.keys()) {
    if (!(GRID_PARAMS as readonly string[]).includes(name))
      throw errors.badRequest(`unknown query parameter "${name}": the grid takes ${GRID_PARAMS.join(", ")}`);
  }
  const filter: GridFilter = {
    labels: parseLabelSelector(q.get("labelSelector") ?? ""),
    problemsOnly: boolParam(q, "problems"),
  };
  const list = q.get("daemonsets");
  if (list) {
    const keys = list.split(",").filter((s) => s !== "");
    for (const k of keys) {
      const [ns, name, extra] = k.split("/");
      if (extra !== undefined || !ns || !name || !NAME.test(ns) || !NAME.test(name))
        throw errors.badRequest(`daemonsets: "${k}" is not NAMESPACE/NAME`);
    }
    filter.daemonSets = new Set(keys);
  }
  return filter;
}

export function serveGridStream(
  req: Request,
  res: Response,
  deps: { model: GridModel; clock: Clock; logger: Logger },
  options: GridStreamOptions = {},
): void {
  const filter = gridFilterOf(queryOf(req));
  res.statusCode = 200;
  setSecurityHeaders(res, "no-store");
  res.setHeader("Content-Type", "application/x-ndjson; charset=utf-8");
  res.flushHeaders();

  let closed = false;
  const send = (message: GridMessage): boolean => {
    if (closed) return false;
    res.write(JSON.stringify(message) + "\n");
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      deps.logger.warn("dropping a dashboard grid stream that does not read");
      res.destroy();
      return false;
    }
    return res.writableLength < PAUSE_BYTES;
  };
  const sub = new GridSubscription(deps.model, filter, send);
  // A snapshot goes out slice after slice, one turn of the event loop apart.
  let pumping = false;
  const pump = (): void => {
    if (closed || pumping) return;
    pumping = true;
    setImmediate(() => {
      pumping = false;
      if (closed) return;
      sub.flush();
      if (sub.snapshotting && res.writableLength < PAUSE_BYTES) pump();
    });
  };
  const detach = deps.model.attach((change) => {
    sub.onChange(change);
    if (change.type === "reset") pump();
  });
  void deps.model.whenReady().then(pump);
  const stopFlush = deps.clock.every(options.flushMs ?? 100, () => sub.flush());
  const stopPing = deps.clock.every(options.pingMs ?? 30_000, () => send({ t: "ping" }));
  res.on("drain", () => {
    sub.resume();
    pump();
  });
  res.on("close", () => {
    closed = true;
    stopFlush();
    stopPing();
    detach();
  });
}
