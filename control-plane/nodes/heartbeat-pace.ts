// The heartbeat pace: how often connected agents heartbeat, and how long a node may stay
// silent before it turns Unknown. Agents heartbeat every --heartbeat-interval (10 s) until
// the fleet would send more than --max-heartbeats-per-second; beyond that the interval
// grows with the number of connected agents, as Nomad's heartbeat TTL does, so a large
// fleet's heartbeats cost the control plane a bounded share of a core. The grace period
// grows in proportion, so a node always has as many heartbeats to miss before it turns
// Unknown as the flags give it.

export interface HeartbeatPaceOptions {
  /** The shortest interval, the one small fleets get (--heartbeat-interval). */
  intervalSeconds: number;
  /** The fleet's heartbeats per second at most; 0 for no cap. */
  maxPerSecond: number;
  /** The grace period at the shortest interval (--node-monitor-grace-period). */
  gracePeriodMs: number;
}

/**
 * A shorter interval is taken only once the wanted one is below this share of the current
 * one, so that agents coming and going around a step do not make every agent be told again.
 */
const SHORTEN_BELOW = 0.75;

export class HeartbeatPace {
  /** The flags' interval in whole seconds: the shortest any agent is told. */
  private readonly shortest: number;
  private current: number;
  /** The longest interval any agent was told since start: agents told it may still hold it. */
  private longest: number;

  constructor(private readonly o: HeartbeatPaceOptions) {
    this.shortest = Math.max(1, Math.round(o.intervalSeconds));
    this.current = this.shortest;
    this.longest = this.shortest;
  }

  /** The interval to give agents now, with `connected` agents connected. */
  intervalSeconds(connected: number): number {
    const { shortest } = this;
    const wanted =
      this.o.maxPerSecond > 0 ? Math.max(shortest, Math.ceil(connected / this.o.maxPerSecond)) : shortest;
    if (wanted > this.current || wanted < this.current * SHORTEN_BELOW) {
      this.current = wanted;
      if (wanted > this.longest) this.longest = wanted;
    }
    return this.current;
  }

  /** The longest interval an agent may be heartbeating at: the one told longest since start. */
  get longestIntervalSeconds(): number {
    return this.longest;
  }

  /**
   * Silence after which a node turns Unknown: the configured grace period, lengthened in
   * proportion to the longest interval told, and never shortened while this process lives
   * (an agent told a long interval keeps it until its next heartbeat is answered; knowing
   * when all have heard a shorter one is not worth the bookkeeping).
   */
  gracePeriodMs(): number {
    // longest >= shortest: never below the configured grace period.
    return Math.ceil((this.o.gracePeriodMs * this.longest) / this.shortest);
  }
}
