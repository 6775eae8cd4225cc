// A watch's `timeoutSeconds`: how long the server keeps it open before ending it (the client
// then re-watches from its last revision).

import { errors } from "../../shared/errors.js";

/**
 * The longest watch timeout: the longest delay a Node.js timer can wait (about 24.8 days).
 * A longer one would overflow the timer, which then fires at once and ends the watch after
 * a millisecond; longer requests are cut to this instead.
 */
export const MAX_WATCH_TIMEOUT_MS = 2 ** 31 - 1;

/** The timeout in milliseconds (none when absent), at most MAX_WATCH_TIMEOUT_MS; a 400 if not a number ≥ 0. */
export function watchTimeoutMs(raw: string | null): number | undefined {
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw errors.badRequest(`invalid timeoutSeconds: ${JSON.stringify(raw)}`);
  return Math.min(n * 1000, MAX_WATCH_TIMEOUT_MS);
}
