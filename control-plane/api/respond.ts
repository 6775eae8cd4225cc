// Small response helpers: every answer is JSON with a plain `application/json` type (set with
// setHeader, which Express does not rewrite), except where a caller names another type.

import type { Request, Response } from "express";

/** Sends `body` as JSON with the status code; indented when the request asked `pretty=true`. */
export function sendJson(res: Response, code: number, body: unknown, contentType = "application/json"): void {
  const text = prettyRequested(res) ? JSON.stringify(body, null, 2) + "\n" : JSON.stringify(body);
  res.statusCode = code;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/** The query string as URLSearchParams (Express's own parser turns `a=1&a=2` into arrays). */
export function queryOf(req: Request): URLSearchParams {
  const q = req.originalUrl.indexOf("?");
  return new URLSearchParams(q >= 0 ? req.originalUrl.slice(q + 1) : "");
}

/**
 * The value of a `Warning: 299` header for `text`: a quoted string whose non-ASCII characters
 * travel as UTF-8 bytes (Node writes header strings as latin1, Go clients read UTF-8), with
 * DEL escaped too, since HTTP forbids it in a header.
 */
export function warningHeaderValue(text: string): string {
  const quoted = JSON.stringify(text).replace(/\x7f/g, "\\u007f");
  return `299 - ${Buffer.from(quoted, "utf8").toString("latin1")}`;
}

/** Adds a `Warning: 299` header, as Kubernetes reports non-fatal problems. */
export function addWarning(res: Response, text: string): void {
  res.appendHeader("Warning", warningHeaderValue(text));
}

/**
 * A boolean query parameter as Kubernetes reads it (its parameter codec, for watch,
 * allowWatchBookmarks, follow, previous, timestamps, ...): absent, `0` or `false` in any
 * case is false; anything else is true, the empty value (`?watch`) and `True` included.
 * Kubernetes refuses none, so neither does everynode.
 */
export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  return v !== "0" && v.toLowerCase() !== "false";
}

// Go's strconv.ParseBool, which Kubernetes uses for `pretty` alone.
const PARSE_BOOL_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** `pretty` as Kubernetes reads it: Go's ParseBool, where a value it cannot read is false. */
export function prettyParam(q: URLSearchParams): boolean {
  const v = q.get("pretty");
  return v !== null && PARSE_BOOL_TRUE.has(v);
}

function prettyRequested(res: Response): boolean {
  const url = (res.req as Request | undefined)?.originalUrl;
  // Most requests never name it: no query parse for them.
  return url !== undefined && url.includes("pretty") && prettyParam(queryOf(res.req));
}
