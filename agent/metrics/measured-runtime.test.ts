import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import type { ContainerRuntime, ObservedContainer, PullPolicy } from "../runtime/container-runtime.js";
import { nodeFilter } from "../runtime/labels.js";
import { AgentMetrics } from "./agent-metrics.js";
import { measuredRuntime } from "./measured-runtime.js";

/** Just enough of a runtime: its own ensureImage calls this.pull, as Docker's does. */
class SlowRuntime {
  lists: Record<string, string>[] = [];
  constructor(private readonly clock: FakeClock) {}
  async ensureImage(ref: string, policy: PullPolicy): Promise<void> {
    if (policy === "IfNotPresent") return;
    await this.pull(ref);
  }
  async pull(_ref: string): Promise<void> {
    await this.clock.sleep(2_000);
  }
  async start(_id: string): Promise<void> {
    await this.clock.sleep(300);
  }
  async list(filter: Record<string, string>): Promise<ObservedContainer[]> {
    this.lists.push(filter);
    return [];
  }
}

describe("measuredRuntime", () => {
  it("times pulls (also those the runtime makes itself) and starts, and sees each pass begin", async () => {
    const clock = new FakeClock(0);
    const inner = new SlowRuntime(clock);
    const metrics = new AgentMetrics(clock);
    const runtime = measuredRuntime(inner as unknown as ContainerRuntime, metrics, "n1", clock);

    const pulled = runtime.ensureImage("busybox", "Always");
    await clock.advance(2_000);
    await pulled;
    await runtime.ensureImage("busybox", "IfNotPresent");
    const started = runtime.start("abc");
    await clock.advance(300);
    await started;

    metrics.assignmentsArrived();
    await clock.advance(40);
    await runtime.list({ ...nodeFilter("n1"), "io.everynode.pod-uid": "u1" }); // a pod's stop: no pass
    await runtime.list(nodeFilter("n1")); // the worker's pass
    expect(inner.lists).toHaveLength(2);

    const s = metrics.takeSummary();
    expect(s.imagePulls.sum).toBe(2);
    expect(s.imagePulls.counts.reduce((a, c) => a + c, 0)).toBe(1);
    expect(s.containerStarts.sum).toBe(0.3);
    expect(s.reconcileLag.sum).toBe(0.04);
  });
});
