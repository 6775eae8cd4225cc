// Request timing for /metrics: the first middleware notes when a request came in and, when it
// ends (answered or dropped), tells the observer its verb, resource and code. The resource
// router names the verb and resource once it knows them; other paths count as non-resource
// requests under their HTTP method. Watches and followed logs are long-running: they are
// counted while open, and their (unbounded) durations are kept out of the latency histogram.

import type { RequestHandler, Response } from "express";

/** What one finished request was. */
export interface RequestRecord {
  /** Kubernetes' metric verbs: GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION; else the HTTP method. */
  verb: string;
  /** "" for non-resource paths. */
  resource: string;
  subresource: string;
  code: number;
  seconds: number;
  longRunning: boolean;
}

/** Who hears of requests (the metrics registry). */
export interface ApiObserver {
  requestDone(r: RequestRecord): void;
  /** A long-running request began (+1) or ended (-1). */
  longRunning(r: { verb: string; resource: string }, delta: 1 | -1): void;
}

interface RequestInfo {
  verb: string;
  resource: string;
  subresource: string;
  longRunning: boolean;
  observer: ApiObserver;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const KEY = "requestInfo";

/** The first middleware: times every request. */
export function requestMetrics(observer: ApiObserver): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const info: RequestInfo = {
      // Unknown methods share one label value, so that a client cannot mint series.
      verb: METHODS.has(req.method) ? req.method : "OTHER",
      resource: "",
      subresource: "",
      longRunning: false,
      observer,
    };
    res.locals[KEY] = info;
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      const { verb, resource, subresource, longRunning } = info;
      if (longRunning) observer.longRunning({ verb, resource }, -1);
      const seconds = (performance.now() - started) / 1000;
      observer.requestDone({ verb, resource, subresource, longRunning, code: res.statusCode, seconds });
    };
    res.once("finish", end);
    res.once("close", end);
    next();
  };
}

const METRIC_VERBS: Record<string, string> = {
  get: "GET",
  list: "LIST",
  watch: "WATCH",
  create: "POST",
  update: "PUT",
  patch: "PATCH",
  delete: "DELETE",
  deletecollection: "DELETECOLLECTION",
};

/**
 * Names a resource request's verb and resource (the resource router calls it once it knows
 * them); `longRunning` for watches and followed logs. A no-op without requestMetrics.
 */
export function noteResourceRequest(
  res: Response,
  r: { verb: string; resource: string; subresource?: string; apply?: boolean; longRunning: boolean },
): void {
  const info = res.locals[KEY] as RequestInfo | undefined;
  if (!info) return;
  info.verb = r.apply ? "APPLY" : (METRIC_VERBS[r.verb] ?? r.verb.toUpperCase());
  info.resource = r.resource;
  info.subresource = r.subresource ?? "";
  if (r.longRunning && !info.longRunning) {
    info.longRunning = true;
    info.observer.longRunning({ verb: info.verb, resource: info.resource }, 1);
  }
}
