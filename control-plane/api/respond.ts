// Small response helpers: every answer is JSON with a plain `application/json` type (set with
// setHeader, which Express does not rewrite), except where a caller names another type.

import type { Request, Response } from "express";

/** Sends `body` as JSON with the status code. */
export function sendJson(res: Response, code: number, body: unknown, contentType = "application/json"): void {
  const text = JSON.stringify(body);
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

/** Adds a `Warning: 299` header, as Kubernetes reports non-fatal problems. */
export function addWarning(res: Response, text: string): void {
  res.appendHeader("Warning", `299 - ${JSON.stringify(text)}`);
}

/** True for `true` and `1`, as Kubernetes reads boolean query parameters. */
export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === "true" || v === "1";
}
