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

// Go's strconv.ParseBool, which Kubernetes uses for boolean query parameters.
const TRUE_FORMS = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** True for the forms Go's ParseBool reads as true (`true`, `1`, `t`, `True`, ...). */
export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && TRUE_FORMS.has(v);
}
