// everynode's one back-off: capped exponential delays with optional jitter, as a pure
// function (its schedule is tested by table), and per-key failure streaks on top of it with
// an injected clock. The agent's crash-loop and image-pull waits, the controller's failed-pod
// replacement and its retry of a failed pass, agent reconnects and join retries all use it,
// each with its own policy.

import type { Clock } from "./clock.js";

export interface BackoffPolicy {
  /** The wait after the first failure. */
  initialMs: number;
  /** No wait is longer, however many failures. */
  maxMs: number;
  /** 0 (or unset): none; 0.5: each wait is drawn from [50%, 100%] of its step. */
  jitter?: number;
  /** A key whose last failure is older than this starts its streak afresh. */
  forgetAfterMs?: number;
}

/** Agent reconnects and join retries: 200 ms doubling to 10 s, jittered. */
export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 10_000, jitter: 0.5 };

/**
 * The wait after `failures` failures in a row: none for 0, then initialMs doubling up to
 * maxMs, drawn within the jitter by `random` (in [0, 1)).
 */
export function backoffDelay(
  policy: BackoffPolicy,
  failures: number,
  random: () => number = Math.random,
): number {
  if (!(failures > 0)) return 0;
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** (failures - 1));
  const jitter = policy.jitter ?? 0;
  if (jitter === 0) return step;
  const low = step * (1 - jitter);
  return Math.round(low + (step - low) * random());
}

/** The fewest failures in a row whose wait is the policy's longest. */
export function failuresAtCap(policy: BackoffPolicy): number {
  return 1 + Math.max(0, Math.ceil(Math.log2(policy.maxMs / policy.initialMs)));
}

/** One key's streak: failures in a row, when the last one was, and the wait it earned. */
export interface BackoffEntry {
  failures: number;
  lastFailureAt: number;
  delayMs: number;
}

/** The moment before which a streak's key waits. */
export function backoffUntil(e: Readonly<BackoffEntry>): number {
  return e.lastFailureAt + e.delayMs;
}

/** What a pure decider reads of the streaks (a Backoff, or a Map in a table test). */
export interface BackoffLookup<K = string> {
  get(key: K): Readonly<BackoffEntry> | undefined;
}

/** Failure streaks by key: each failure lengthens the key's next wait, a success ends it. */
export class Backoff<K = string> implements BackoffLookup<K> {
  private readonly entries = new Map<K, BackoffEntry>();
  private readonly random: () => number;

  constructor(
    readonly policy: BackoffPolicy,
    private readonly deps: { clock: Pick<Clock, "now">; random?: () => number },
  ) {
    this.random = deps.random ?? Math.random;
  }

  get(key: K): Readonly<BackoffEntry> | undefined {
    return this.entries.get(key);
  }

  /** Records a failure of `key` (at `at`, default now); returns the wait before the next try. */
  fail(key: K, at: number = this.deps.clock.now()): number {
    const before = this.entries.get(key);
    const failures = (before && !this.stale(before, at) ? before.failures : 0) + 1;
    const delayMs = backoffDelay(this.policy, failures, this.random);
    this.entries.set(key, { failures, lastFailureAt: at, delayMs });
    return delayMs;
  }

  /** The moment before which `key` waits, or undefined when it has no streak. */
  readyAt(key: K): number | undefined {
    const e = this.entries.get(key);
    return e ? backoffUntil(e) : undefined;
  }

  /** Ends `key`'s streak (it succeeded, or is gone). */
  reset(key: K): void {
    this.entries.delete(key);
  }

  /** Ends the streaks of every key `drop` picks. */
  resetWhere(drop: (key: K) => boolean): void {
    for (const key of this.entries.keys()) if (drop(key)) this.entries.delete(key);
  }

  /** Forgets the streaks idle for longer than the policy's forgetAfterMs. */
  forgetIdle(now: number = this.deps.clock.now()): void {
    for (const [key, e] of this.entries) if (this.stale(e, now)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  private stale(e: BackoffEntry, now: number): boolean {
    const after = this.policy.forgetAfterMs;
    return after !== undefined && now - e.lastFailureAt > after;
  }
}
