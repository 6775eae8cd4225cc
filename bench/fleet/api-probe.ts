// Whether the API stays responsive while the fleet works: every 50 ms a `GET /version` and
// a `kubectl get ds` (a Table of DaemonSets) are sent, each timed from the tick that asked
// for it, so a server that stalls for 5 s shows a 5 s answer even though the requests
// waited in the client. Ticks that came late because this process was busy are counted
// apart (lagMs), so the runner's own pauses are not blamed on the server.

import type { ApiClient } from "./api-client.js";
import { TABLE_ACCEPT } from "./api-client.js";
import { max, quantile, round } from "./stats.js";

export interface ProbeSample {
  at: number;
  kind: "version" | "table";
  ms: number;
  status: number;
}

export interface ProbeSummary {
  count: number;
  maxMs: number;
  p99Ms: number;
  medianMs: number;
  /** Answers slower than 100 ms. */
  over100: number;
  errors: number;
  /** The slowest answers: when they were asked for (epoch ms) and how long they took (profile-summary). */
  slowest?: { at: number; ms: number }[];
}

/** How many of a phase's slowest answers its summary names. */
const SLOWEST_KEPT = 5;

const KINDS = {
  version: { path: "/version", accept: undefined },
  table: { path: "/apis/apps/v1/namespaces/default/daemonsets?limit=500", accept: TABLE_ACCEPT },
} as const;

export class ApiProbe {
  readonly samples: ProbeSample[] = [];
  /** How late this process's own ticks fired (ms), with the tick time. */
  readonly lags: { at: number; ms: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private outstanding = 0;
  /** While paused no requests are sent (the idle window measures heartbeats alone). */
  paused = false;

  constructor(
    private readonly api: () => ApiClient | undefined,
    private readonly intervalMs = 50,
  ) {}

  start(): void {
    let expected = Date.now() + this.intervalMs;
    this.timer = setInterval(() => {
      const now = Date.now();
      const lag = now - expected;
      if (lag > 20) this.lags.push({ at: now, ms: lag });
      expected += this.intervalMs;
      if (expected < now) expected = now + this.intervalMs;
      if (this.paused) return;
      this.fire("version", now);
      this.fire("table", now);
    }, this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private fire(kind: ProbeSample["kind"], at: number): void {
    const api = this.api();
    // A stalled server gets at most this many requests queued: the first one already shows the stall.
    if (!api || this.outstanding > 400) return;
    this.outstanding++;
    const k = KINDS[kind];
    api
      .get(k.path, k.accept)
      .then(
        (res) => this.samples.push({ at, kind, ms: Date.now() - at, status: res.status }),
        () => this.samples.push({ at, kind, ms: Date.now() - at, status: 0 }),
      )
      .finally(() => this.outstanding--);
  }

  summary(kind: ProbeSample["kind"], from: number, to: number): ProbeSummary {
    const s = this.samples.filter((x) => x.kind === kind && x.at >= from && x.at <= to);
    const ok = s.filter((x) => x.status === 200).map((x) => x.ms);
    return {
      count: s.length,
      maxMs: round(max(ok), 0),
      p99Ms: round(quantile(ok, 0.99), 0),
      medianMs: round(quantile(ok, 0.5), 0),
      over100: ok.filter((ms) => ms > 100).length,
      errors: s.length - ok.length,
      slowest: s
        .filter((x) => x.status === 200 && x.ms > 100)
        .sort((a, b) => b.ms - a.ms)
        .slice(0, SLOWEST_KEPT)
        .map((x) => ({ at: x.at, ms: x.ms })),
    };
  }

  /** The worst lateness of this process's own ticks in the window (a busy runner, not the server). */
  lagMax(from: number, to: number): number {
    return max(this.lags.filter((l) => l.at >= from && l.at <= to).map((l) => l.ms));
  }
}
