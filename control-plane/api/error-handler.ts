// The one place errors become HTTP answers: an EverynodeError carries its Status and code;
// anything else is a bug, logged once and answered with a 500 InternalError Status.

import type { ErrorRequestHandler, Response } from "express";
import type { Status } from "../../shared/api-types.js";
import { EverynodeError, errors } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { sendJson } from "./respond.js";

/** The Status and HTTP code for any thrown value; logs unexpected ones. */
export function statusFor(err: unknown, logger: Logger): { code: number; status: Status } {
  if (err instanceof EverynodeError) return { code: err.httpStatus, status: err.toStatus() };
  logger.error("unexpected error in an API handler", {
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  const e = errors.internal(err instanceof Error ? err.message : "unknown error");
  return { code: e.httpStatus, status: e.toStatus() };
}

/** Answers with the error's Status, unless the answer has already started (then just ends it). */
export function sendError(res: Response, err: unknown, logger: Logger): void {
  const { code, status } = statusFor(err, logger);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, code, status);
}

/** Express error middleware built on sendError. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    // Express's own body/URL errors carry an HTTP status; keep them client errors.
    if (!(err instanceof EverynodeError) && typeof (err as { status?: unknown })?.status === "number") {
      const s = (err as { status: number }).status;
      if (s >= 400 && s < 500) {
        sendError(res, errors.badRequest((err as Error).message), logger);
        return;
      }
    }
    sendError(res, err, logger);
  };
}
