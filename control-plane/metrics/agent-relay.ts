// The agents' own figures, relayed over their WebSockets (see README, "Agent metrics"): each
// agent sends a compact summary every interval; the latest one per node gives four per-node
// series (perNodeText), and the durations it observed since its previous summary are added to
// fleet-wide histograms. A node without a live session has no per-node series: stale figures
// would lie.

import type { Registry } from "prom-client";
import { AGENT_METRIC_BUCKETS, type MetricsMessage } from "../../shared/protocol.js";
import type { AgentMetricsSink } from "../agents/agent-sessions.js";
import { MergedHistogram, registerScrapeMetric } from "./scrape-metric.js";

interface NodeFigures {
  running: number;
  waiting: number;
  terminated: number;
  restarts: number;
}

/** A label value as the text format writes it (node names never need it, but the format must hold). */
function labelValue(v: string): string {
  return /["\\\n]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v;
}

export class AgentMetricsRelay implements AgentMetricsSink {
  private readonly nodes = new Map<string, NodeFigures>();
  private readonly imagePulls = new MergedHistogram(AGENT_METRIC_BUCKETS);
  private readonly containerStarts = new MergedHistogram(AGENT_METRIC_BUCKETS);
  private readonly reconcileLag = new MergedHistogram(AGENT_METRIC_BUCKETS);

  accept(nodeName: string, m: MetricsMessage): void {
    this.nodes.set(nodeName, { ...m.containers, restarts: m.restarts });
    this.imagePulls.add(m.imagePulls.counts, m.imagePulls.sum);
    this.containerStarts.add(m.containerStarts.counts, m.containerStarts.sum);
    this.reconcileLag.add(m.reconcileLag.counts, m.reconcileLag.sum);
  }

  forget(nodeName: string): void {
    this.nodes.delete(nodeName);
  }

  /**
   * The per-node series, as Prometheus text. Formatted here rather than by prom-client: at
   * 10,000 nodes they are 40,000 lines, which its generic formatting took about 250 ms a
   * scrape to write (bench/metrics-scrape-bench.ts); this takes a few.
   */
  perNodeText(): string {
    // String concatenation (a rope) rather than an array join: several times faster here.
    let containers =
      "# HELP everynode_agent_containers Containers of the pods assigned to a node, by state, as its agent last reported.\n" +
      "# TYPE everynode_agent_containers gauge\n";
    let restarts =
      "# HELP everynode_agent_container_restarts The sum of the restart counts of a node's containers, as its agent last reported.\n" +
      "# TYPE everynode_agent_container_restarts gauge\n";
    for (const [name, f] of this.nodes) {
      const node = labelValue(name);
      containers +=
        `everynode_agent_containers{node="${node}",state="running"} ${f.running}\n` +
        `everynode_agent_containers{node="${node}",state="waiting"} ${f.waiting}\n` +
        `everynode_agent_containers{node="${node}",state="terminated"} ${f.terminated}\n`;
      restarts += `everynode_agent_container_restarts{node="${node}"} ${f.restarts}\n`;
    }
    return containers + "\n" + restarts;
  }

  register(registry: Registry): void {
    registerScrapeMetric(registry, {
      name: "everynode_agents_reporting_metrics",
      help: "Agents connected now whose metrics summaries arrive.",
      type: "gauge",
      collect: () => [{ value: this.nodes.size }],
    });
    const histograms: [string, string, MergedHistogram][] = [
      [
        "everynode_agent_image_pull_duration_seconds",
        "Image pulls of every agent (fleet-wide), by duration.",
        this.imagePulls,
      ],
      [
        "everynode_agent_container_start_duration_seconds",
        "Container starts of every agent (fleet-wide), by how long the engine took.",
        this.containerStarts,
      ],
      [
        "everynode_agent_reconcile_lag_seconds",
        "How long a new assignment set waited for its agent's reconcile loop to look at it (fleet-wide).",
        this.reconcileLag,
      ],
    ];
    for (const [name, help, h] of histograms)
      registerScrapeMetric(registry, { name, help, type: "histogram", collect: () => h.samples() });
  }
}
