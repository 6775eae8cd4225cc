// Per-connection budgets for what an agent sends: token buckets over the injected clock's
// time. Messages past their budget mean a broken or hostile agent (a well-behaved one sends
// a few per second): the connection is closed. Bytes past their budget only slow the agent
// down: the server stops reading its socket until the bucket has refilled, so a large log
// stream is throttled by TCP, not cut. Pure: the caller passes the time.

/** A token bucket: `capacity` tokens, refilled at `perSecond`; may run into debt. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perSecond);
    this.at = Math.max(this.at, now);
  }

  /** Takes `cost` tokens if there are that many; false (taking none) otherwise. */
  take(cost: number, now: number): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Takes `cost` tokens even into debt; returns how long (ms) until the debt is repaid. */
  spend(cost: number, now: number): number {
    this.refill(now);
    this.tokens -= cost;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
  }
}

export interface BudgetLimits {
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
}

/** One connection's message and byte budgets. */
export class MessageBudget {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(
    private readonly limits: BudgetLimits,
    now: number,
  ) {
    this.messages = new TokenBucket(limits.messageBurst, limits.messagesPerSecond, now);
    this.bytes = new TokenBucket(limits.byteBurst, limits.bytesPerSecond, now);
  }

  /** Accounts for `size` bytes read at `now`; how long (ms) to stop reading, 0 to go on. */
  bytesReceived(size: number, now: number): number {
    return this.bytes.spend(size, now);
  }

  /**
   * Accounts for one message worth `cost` tokens (more for a message that makes more work);
   * why the connection must close, or undefined.
   */
  messageReceived(cost: number, now: number): string | undefined {
    if (this.messages.take(cost, now)) return undefined;
    return `more than ${this.limits.messagesPerSecond} messages per second`;
  }
}
