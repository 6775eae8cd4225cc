import { describe, expect, it } from "vitest";
import type { Node, Pod } from "../../shared/api-types.js";
import type { UsageMessage } from "../../shared/protocol.js";
import { goDuration, nodeMetrics, podMetrics, podSample, usageQuantities } from "./metrics-objects.js";

const sample: UsageMessage = {
  v: 1,
  type: "usage",
  timestamp: "2026-12-05T12:00:15.000Z",
  windowSeconds: 15.0042,
  node: { cpuNanocores: 1_250_000_000, memoryBytes: 2 * 1024 ** 3 },
  pods: [
    {
      namespace: "default",
      name: "web-1",
      uid: "u1",
      containers: [{ name: "web", cpuNanocores: 200_123_456, memoryBytes: 40 * 1024 * 1024 + 300 }],
    },
  ],
};
const pod = (uid: string, nodeName?: string): Pod =>
  ({
    metadata: { name: "web-1", namespace: "default", uid, labels: { app: "web" } },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
  }) as Pod;

describe("metrics objects", () => {
  it.each([
    [15, "15s"],
    [15.0042, "15.004s"],
    [2.5, "2.5s"],
  ])("writes %s seconds as the Go duration %s", (s, want) => expect(goDuration(s)).toBe(want));

  it("writes CPU in nanocores and memory in KiB, as metrics-server does", () => {
    expect(usageQuantities(200_123_456, 40 * 1024 * 1024 + 300)).toEqual({
      cpu: "200123456n",
      memory: "40960Ki",
    });
  });

  it("makes a NodeMetrics with the node's labels, the sample's time and window", () => {
    const node = { metadata: { name: "n1", labels: { zone: "a" } } } as unknown as Node;
    expect(nodeMetrics(node, sample, "2026-12-05T12:00:20Z")).toEqual({
      apiVersion: "metrics.k8s.io/v1beta1",
      kind: "NodeMetrics",
      metadata: { name: "n1", labels: { zone: "a" }, creationTimestamp: "2026-12-05T12:00:20Z" },
      timestamp: "2026-12-05T12:00:15.000Z",
      window: "15.004s",
      usage: { cpu: "1250000000n", memory: "2097152Ki" },
    });
  });

  it("finds a pod's sample on its own node's agent, for the same uid only", () => {
    const of = (n: string) => (n === "n1" ? sample : undefined);
    expect(podSample(pod("u1", "n1"), of)?.usage.name).toBe("web-1");
    expect(podSample(pod("u2", "n1"), of)).toBeUndefined(); // made again under the same name
    expect(podSample(pod("u1", "n2"), of)).toBeUndefined();
    expect(podSample(pod("u1"), of)).toBeUndefined();
    const found = podSample(pod("u1", "n1"), of)!;
    expect(podMetrics(pod("u1", "n1"), found.usage, found.sample, "t")).toMatchObject({
      kind: "PodMetrics",
      metadata: { name: "web-1", namespace: "default", labels: { app: "web" } },
      containers: [{ name: "web", usage: { cpu: "200123456n", memory: "40960Ki" } }],
    });
  });
});
