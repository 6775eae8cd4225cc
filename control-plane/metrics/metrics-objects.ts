// metrics.k8s.io/v1beta1 objects from the agents' usage samples, as metrics-server shapes
// them: CPU in nanocores ("123456n"), memory in KiB ("2048Ki"), the sample's end as
// `timestamp` and its length as `window`. Pure: the samples and the stored objects come in.

import type { KubeObject, Node, Pod } from "../../shared/api-types.js";
import type { PodUsageSample, UsageMessage } from "../../shared/protocol.js";

export const METRICS_API_VERSION = "metrics.k8s.io/v1beta1";

/** A resource list as metrics-server writes it. */
export function usageQuantities(cpuNanocores: number, memoryBytes: number): Record<string, string> {
  return { cpu: `${Math.round(cpuNanocores)}n`, memory: `${Math.round(memoryBytes / 1024)}Ki` };
}

/** Seconds as a Go duration string (15s, 14.987s). */
export function goDuration(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}

/** Metadata as metrics-server gives it: the object's names and labels, created now. */
function metadataOf(o: KubeObject, now: string): Record<string, unknown> {
  const m: Record<string, unknown> = { name: o.metadata.name, creationTimestamp: now };
  if (o.metadata.namespace) m.namespace = o.metadata.namespace;
  if (o.metadata.labels) m.labels = o.metadata.labels;
  return m;
}

/** A node's metrics from its agent's latest sample. */
export function nodeMetrics(node: Node, sample: UsageMessage, now: string): KubeObject {
  return {
    apiVersion: METRICS_API_VERSION,
    kind: "NodeMetrics",
    metadata: metadataOf(node, now),
    timestamp: sample.timestamp,
    window: goDuration(sample.windowSeconds),
    usage: usageQuantities(sample.node.cpuNanocores, sample.node.memoryBytes),
  } as unknown as KubeObject;
}

/** A pod's metrics from the sample of its node's agent. */
export function podMetrics(pod: Pod, usage: PodUsageSample, sample: UsageMessage, now: string): KubeObject {
  return {
    apiVersion: METRICS_API_VERSION,
    kind: "PodMetrics",
    metadata: metadataOf(pod, now),
    timestamp: sample.timestamp,
    window: goDuration(sample.windowSeconds),
    containers: usage.containers.map((c) => ({
      name: c.name,
      usage: usageQuantities(c.cpuNanocores, c.memoryBytes),
    })),
  } as unknown as KubeObject;
}

/**
 * The sample of a stored pod: from the agent of the node it is bound to, for the same pod
 * (uid: a pod deleted and made again under its name is another pod).
 */
export function podSample(
  pod: Pod,
  of: (nodeName: string) => UsageMessage | undefined,
): { sample: UsageMessage; usage: PodUsageSample } | undefined {
  const node = pod.spec?.nodeName;
  const sample = node ? of(node) : undefined;
  const usage = sample?.pods.find((p) => p.uid === pod.metadata.uid);
  return sample && usage ? { sample, usage } : undefined;
}

export function metricsList(kind: "NodeMetricsList" | "PodMetricsList", items: KubeObject[]): object {
  return { kind, apiVersion: METRICS_API_VERSION, metadata: {}, items };
}
