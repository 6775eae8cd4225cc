// When an event expires. Its timestamps may come from clients (any node or the admin), so
// they are trusted only between the server's own times: the moment the server stored the
// event (creationTimestamp, set by the store) and now plus clock skew. Anything else (a
// timestamp that does not parse, or one far in the future) counts as the creation time, so
// no event escapes expiry, whatever it claims. Pure.

import type { KubeEvent } from "../../shared/api-types.js";
import { EVENT_LIMITS } from "../../shared/limits.js";

type EventLike = KubeEvent & { series?: { lastObservedTime?: unknown } };

function parse(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * When the server stored the event and the last time it happened, as far as the server can
 * vouch for it (never before the first); undefined when it cannot at all.
 */
export function expiryTimes(event: EventLike, now: number): { created: number; seen: number } | undefined {
  const created = parse(event.metadata?.creationTimestamp);
  if (created === undefined) return undefined;
  const claimed =
    parse(event.series?.lastObservedTime) ?? parse(event.lastTimestamp) ?? parse(event.eventTime);
  if (claimed === undefined || claimed < created || claimed > now + EVENT_LIMITS.maxFutureSkewMs)
    return { created, seen: created };
  return { created, seen: claimed };
}

/** The last time the event happened, as far as the server can vouch for it; undefined when it cannot at all. */
export function lastSeen(event: EventLike, now: number): number | undefined {
  return expiryTimes(event, now)?.seen;
}

/** Whether the event is older than `ttlMs` at `now` (or has no time the server can vouch for). */
export function isExpired(event: EventLike, now: number, ttlMs: number): boolean {
  const seen = lastSeen(event, now);
  return seen === undefined || seen < now - ttlMs;
}
