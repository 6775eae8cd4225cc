// The agents' own figures, relayed over their WebSockets (see README, "Agent metrics"): each
// agent sends a compact summary every interval; the latest one per node gives a few per-node
// gauges, and the durations it observed since its previous summary are added to fleet-wide
// histograms. A node without a live session has no per-node series: stale figures would lie.

import type { Registry } from "prom-client";
import { AGENT_METRIC_BUCKETS, type MetricsMessage } from "../../shared/protocol.js";
import type { AgentMetricsSink } from "../agents/agent-sessions.js";
import { MergedHistogram, registerScrapeMetric, type Sample } from "./scrape-metric.js";

interface NodeFigures {
  running: number;
  waiting: number;
  terminated: number;
  restarts: number;
}

const STATES = ["running", "waiting", "terminated"] as const;

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

  register(registry: Registry): void {
    registerScrapeMetric(registry, {
      name: "everynode_agent_containers",
      help: "Containers of the pods assigned to a node, by state, as its agent last reported (4 series per node with the next).",
      type: "gauge",
      collect: () => {
        const out: Sample[] = [];
        for (const [node, f] of this.nodes)
          for (const state of STATES) out.push({ labels: { node, state }, value: f[state] });
        return out;
      },
    });
    registerScrapeMetric(registry, {
      name: "everynode_agent_container_restarts",
      help: "The sum of the restart counts of a node's containers, as its agent last reported.",
      type: "gauge",
      collect: () => [...this.nodes].map(([node, f]) => ({ labels: { node }, value: f.restarts })),
    });
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
