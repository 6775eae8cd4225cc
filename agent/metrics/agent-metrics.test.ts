import { describe, expect, it } from "vitest";
import type { PodStatus } from "../../shared/api-types.js";
import { AGENT_METRIC_BUCKETS } from "../../shared/protocol.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { AgentMetrics, DurationBuckets } from "./agent-metrics.js";

const bucketOf = (le: number): number => AGENT_METRIC_BUCKETS.indexOf(le);

describe("DurationBuckets", () => {
  it.each([
    [0.001, bucketOf(0.005)],
    [0.005, bucketOf(0.005)],
    [0.3, bucketOf(0.5)],
    [300, bucketOf(300)],
    [301, AGENT_METRIC_BUCKETS.length],
    [-1, 0],
    [Number.NaN, 0],
  ])("%s s falls in bucket %i (upper bounds inclusive, as Prometheus' le)", (seconds, index) => {
    const b = new DurationBuckets();
    b.observe(seconds);
    const { counts } = b.take();
    expect(counts).toHaveLength(AGENT_METRIC_BUCKETS.length + 1);
    expect(counts.indexOf(1)).toBe(index);
  });

  it("take() starts afresh; restore() puts back what could not be sent", () => {
    const b = new DurationBuckets();
    b.observe(1);
    b.observe(2);
    const first = b.take();
    expect(first.sum).toBe(3);
    expect(b.take().sum).toBe(0);
    b.observe(4);
    b.restore(first);
    const again = b.take();
    expect(again.sum).toBe(7);
    expect(again.counts.reduce((a, c) => a + c, 0)).toBe(3);
  });
});

const status = (states: ("running" | "waiting" | "terminated")[], restarts: number): PodStatus => ({
  phase: "Running",
  containerStatuses: states.map((s, i) => ({
    name: `c${i}`,
    image: "x",
    imageID: "",
    ready: s === "running",
    restartCount: i === 0 ? restarts : 0,
    lastState: {},
    state:
      s === "running"
        ? { running: {} }
        : s === "terminated"
          ? { terminated: { exitCode: 1 } }
          : { waiting: {} },
  })),
});

describe("AgentMetrics", () => {
  it("sums the containers of the pods it reports, by state, and their restarts", () => {
    const m = new AgentMetrics(new FakeClock(0));
    m.podStatus({ namespace: "d", name: "a", uid: "a", status: status(["running", "waiting"], 2) });
    m.podStatus({ namespace: "d", name: "b", uid: "b", status: status(["terminated"], 5) });
    m.podStatus({ namespace: "d", name: "b", uid: "b", status: status(["running"], 6) });
    let s = m.takeSummary();
    expect(s).toMatchObject({
      v: 1,
      type: "metrics",
      containers: { running: 2, waiting: 1, terminated: 0 },
      restarts: 8,
    });
    m.forget("a");
    s = m.takeSummary();
    expect(s.containers).toEqual({ running: 1, waiting: 0, terminated: 0 });
    expect(s.restarts).toBe(6);
  });

  it("measures reconcile lag from the first set not yet looked at to the next pass", async () => {
    const clock = new FakeClock(0);
    const m = new AgentMetrics(clock);
    m.passStarted();
    m.assignmentsArrived();
    await clock.advance(100);
    m.assignmentsArrived();
    await clock.advance(150);
    m.passStarted();
    m.passStarted();
    const lag = m.takeSummary().reconcileLag;
    expect(lag.sum).toBeCloseTo(0.25);
    expect(lag.counts[bucketOf(0.25)]).toBe(1);
    expect(lag.counts.reduce((a, c) => a + c, 0)).toBe(1);
  });

  it("forgets a set the worker ignored", async () => {
    const clock = new FakeClock(0);
    const m = new AgentMetrics(clock);
    m.assignmentsArrived()();
    await clock.advance(10);
    m.passStarted();
    expect(m.takeSummary().reconcileLag.sum).toBe(0);
  });

  it("puts an unsent summary's durations into the next one", () => {
    const m = new AgentMetrics(new FakeClock(0));
    m.imagePulls.observe(12);
    const lost = m.takeSummary();
    m.unsent(lost);
    m.imagePulls.observe(3);
    expect(m.takeSummary().imagePulls.sum).toBe(15);
  });
});
