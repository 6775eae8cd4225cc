// Metrics whose samples are computed when Prometheus scrapes, from what the process already
// holds (the store's in-memory objects, the sessions, the agents' latest summaries), instead
// of being kept up to date on every change: nothing to keep in step, nothing to forget.
// prom-client formats any registered object with a name, help, type and `get()`.

import type { Metric, Registry } from "prom-client";

/** One sample: its labels (none for a single series) and value. */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
  /** For histograms: the series' suffix (`_bucket`, `_sum`, `_count`). */
  suffix?: "_bucket" | "_sum" | "_count";
}

export interface ScrapeMetricSpec {
  name: string;
  help: string;
  type: "gauge" | "counter" | "histogram";
  collect(): Sample[];
}

/** Registers a metric that asks `collect()` for its samples at each scrape. */
export function registerScrapeMetric(registry: Registry, spec: ScrapeMetricSpec): void {
  const head = { name: spec.name, help: spec.help, type: spec.type, aggregator: "sum" };
  const metric = {
    ...head,
    get: () => ({
      ...head,
      values: spec.collect().map((s) => ({
        metricName: spec.name + (s.suffix ?? ""),
        labels: s.labels ?? {},
        value: s.value,
      })),
    }),
    // Nothing is kept between scrapes: there is nothing to reset.
    reset: () => {},
  };
  registry.registerMetric(metric as unknown as Metric);
}

/**
 * A histogram filled with ready-made bucket counts (the agents' relayed observations) rather
 * than single observations: prom-client's Histogram only takes the latter.
 */
export class MergedHistogram {
  /** Per bucket, then above the last: not cumulative. */
  private readonly counts: number[];
  private sum = 0;

  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array<number>(buckets.length + 1).fill(0);
  }

  /** Adds counts per bucket (`counts.length` = buckets + 1) and their sum. */
  add(counts: readonly number[], sum: number): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] ?? 0) + (counts[i] ?? 0);
    this.sum += sum;
  }

  /** The Prometheus series: cumulative buckets, +Inf, sum and count. */
  samples(): Sample[] {
    const out: Sample[] = [];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += this.counts[i] ?? 0;
      out.push({ suffix: "_bucket", labels: { le: String(le) }, value: cumulative });
    });
    cumulative += this.counts[this.buckets.length] ?? 0;
    out.push({ suffix: "_bucket", labels: { le: "+Inf" }, value: cumulative });
    out.push({ suffix: "_sum", value: this.sum });
    out.push({ suffix: "_count", value: cumulative });
    return out;
  }
}
