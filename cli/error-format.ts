// How an error reaches the user, worded as kubectl words it, and the exit code it ends with.

import { EverynodeError, HTTP_BY_CODE } from "../shared/errors.js";
import { isServerError, markServerError } from "./api-client.js";

/** The stderr text (ending in a newline) for an error. */
export function formatError(e: unknown): string {
  if (!(e instanceof EverynodeError)) return `error: ${e instanceof Error ? e.message : String(e)}\n`;
  if (e.code === "Unreachable") return `${e.message}\n`;
  if (!isServerError(e)) return `error: ${e.message}\n`;
  if (e.code === "Unauthorized") return `error: You must be logged in to the server (${e.message})\n`;
  if (e.code === "Invalid") {
    const d = e.details ?? {};
    const causes = d.causes ?? [];
    if (causes.length === 0 || (!d.kind && !d.name)) return `Error from server (Invalid): ${e.message}\n`;
    const head = `The ${d.kind ?? ""} "${d.name ?? ""}" is invalid: `;
    const lines = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    if (lines.length === 1) return `${head}${lines[0]}\n`;
    return `${head}\n${lines.map((l) => `* ${l}\n`).join("")}`;
  }
  return `Error from server (${HTTP_BY_CODE[e.code].reason}): ${e.message}\n`;
}

/** The process exit code for an error. */
export function exitCodeOf(e: unknown): number {
  return e instanceof EverynodeError ? e.exitCode : 1;
}

/** Prefixes a server error with where it came from: `error when deleting "ds.yaml": ...`. */
export function withSource(e: unknown, action: string, source: string | undefined): unknown {
  if (
    !source ||
    !(e instanceof EverynodeError) ||
    !isServerError(e) ||
    e.code === "Invalid" ||
    e.code === "Unauthorized"
  )
    return e;
  const wrapped = new EverynodeError(e.code, `error when ${action} "${source}": ${e.message}`, {
    ...(e.details ? { details: e.details } : {}),
    cause: e,
  });
  return markServerError(wrapped);
}

/** A usage error (exit 2). */
export function usage(message: string): EverynodeError {
  return new EverynodeError("Usage", message);
}
