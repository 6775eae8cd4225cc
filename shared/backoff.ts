// Capped exponential back-off with jitter, as a pure function so that its schedule is
// tested by table and every caller (agent reconnects, join retries) backs off alike.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** 0 = no jitter; 0.5 = the delay is drawn from [50%, 100%] of the step. */
  jitter: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 10_000, jitter: 0.5 };

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt));
  const low = step * (1 - policy.jitter);
  return Math.round(low + (step - low) * random());
}
