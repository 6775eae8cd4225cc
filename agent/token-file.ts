// Where the agent's join token comes from: --token (given as is) or --token-file (read, and
// waited for). A server started in the same shell writes its join-token file only once it
// listens, so an agent pasted right after it must wait for the file rather than read it
// too early; an empty --token is almost always such a `$(cat FILE)` read too early.

import { backoffDelay, type BackoffPolicy } from "../shared/backoff.js";
import type { Clock } from "../shared/clock.js";
import { EverynodeError } from "../shared/errors.js";
import { parseJoinToken } from "../shared/join-token.js";
import type { Logger } from "../shared/logger.js";

/** How often a missing token file is looked at again: soon at first, then every 5 s. */
export const TOKEN_FILE_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 5_000, jitter: 0 };

/** A "waiting" line at once, then at most every 30 s, so a wrong path shows without flooding. */
const LOG_EVERY_MS = 30_000;

/**
 * The join token flags, checked: at most one of them. An empty --token comes back as "" for
 * the caller to refuse (emptyTokenError) unless the node has joined already.
 */
export function joinTokenSource(
  token: string | undefined,
  tokenFile: string | undefined,
): { token: string } | { tokenFile: string } | undefined {
  if (token !== undefined && tokenFile !== undefined)
    throw new EverynodeError("Usage", "give --token or --token-file, not both");
  if (tokenFile !== undefined) {
    if (!tokenFile.trim())
      throw new EverynodeError("Usage", "--token-file is empty: give the join token file's path");
    return { tokenFile };
  }
  return token === undefined ? undefined : { token: token.trim() };
}

/** An empty --token is almost always a `$(cat FILE)` that ran before the server wrote FILE. */
export function emptyTokenError(): EverynodeError {
  return new EverynodeError(
    "Usage",
    'the join token given with --token is empty (was it read with "$(cat FILE)" before the server wrote FILE?); ' +
      "--token-file FILE waits for the file",
  );
}

export interface TokenFileDeps {
  /** The file's text, or undefined while it does not exist. */
  read(file: string): Promise<string | undefined>;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * Waits until `file` holds a join token and returns it. A missing or empty file is looked at
 * again with back-off, for as long as it takes (the agent's joins retry forever too); a file
 * that holds something else twice in a row (not a write caught half-way) is an error.
 */
export async function waitForTokenFile(file: string, deps: TokenFileDeps): Promise<string> {
  let lastLog = -Infinity;
  let lastText: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const text = (await deps.read(file))?.trim();
    if (text) {
      try {
        parseJoinToken(text);
        if (attempt > 0) deps.logger.info("read the join token file", { file });
        return text;
      } catch (e) {
        if (text === lastText)
          throw new EverynodeError("BadToken", `--token-file ${file}: ${(e as Error).message}`);
        lastText = text;
      }
    }
    // `attempt` reads so far have failed, this one included.
    const delay = backoffDelay(TOKEN_FILE_BACKOFF, attempt + 1);
    if (deps.clock.now() - lastLog >= LOG_EVERY_MS) {
      lastLog = deps.clock.now();
      deps.logger.info(`waiting for ${file}`, {
        reason: text
          ? "not a whole join token yet"
          : "missing or empty (the server writes it once it listens)",
      });
    }
    await deps.clock.sleep(delay, deps.signal);
  }
}
