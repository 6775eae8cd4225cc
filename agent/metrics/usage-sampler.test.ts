import { describe, expect, it } from "vitest";
import { busyCpuNanoseconds, memoryInUseBytes } from "./host-usage.js";
import { cpuRate, STATS_DEADLINE_MS, UsageSampler } from "./usage-sampler.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { createLogger } from "../../shared/logger.js";
import { LABELS } from "../runtime/labels.js";
import type { ObservedContainer } from "../runtime/container-runtime.js";
import type { ContainerUsage } from "../runtime/stream-runtime.js";

describe("cpuRate", () => {
  it.each([
    ["no earlier reading", undefined, { cpuNanoseconds: 5e9, at: 1000 }, undefined],
    ["half a core over 2 s", { cpuNanoseconds: 1e9, at: 0 }, { cpuNanoseconds: 2e9, at: 2000 }, 5e8],
    ["two cores over 1 s", { cpuNanoseconds: 0, at: 0 }, { cpuNanoseconds: 2e9, at: 1000 }, 2e9],
    ["idle", { cpuNanoseconds: 7, at: 0 }, { cpuNanoseconds: 7, at: 15_000 }, 0],
    ["no time between", { cpuNanoseconds: 0, at: 10 }, { cpuNanoseconds: 9, at: 10 }, undefined],
    ["counter went back", { cpuNanoseconds: 9e9, at: 0 }, { cpuNanoseconds: 1e9, at: 1000 }, undefined],
  ])("%s", (_name, before, now, want) => {
    expect(cpuRate(before, now)).toBe(want);
  });
});

describe("host usage parsers", () => {
  it("counts every CPU tick but idle and iowait, at 100 ticks a second", () => {
    const stat = "cpu  100 5 50 1000 20 3 2 0 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\nintr 1\n";
    expect(busyCpuNanoseconds(stat)).toBe((100 + 5 + 50 + 3 + 2) * 1e7);
    expect(busyCpuNanoseconds("intr 1\n")).toBeUndefined();
  });

  it("takes memory in use as MemTotal less MemAvailable", () => {
    const meminfo = "MemTotal:       8000000 kB\nMemFree:  100 kB\nMemAvailable:   6000000 kB\n";
    expect(memoryInUseBytes(meminfo)).toBe(2_000_000 * 1024);
    expect(memoryInUseBytes("MemTotal: 1 kB\n")).toBeUndefined();
  });
});

function container(id: string, pod: string, name: string, state: ObservedContainer["state"] = "running") {
  return {
    id,
    name: id,
    image: "i",
    imageId: "sha256:i",
    state,
    exitCode: 0,
    createdAt: 0,
    oomKilled: false,
    labels: {
      [LABELS.managed]: "true",
      [LABELS.node]: "n1",
      [LABELS.podUid]: `uid-${pod}`,
      [LABELS.podNamespace]: "default",
      [LABELS.podName]: pod,
      [LABELS.container]: name,
    },
  } satisfies ObservedContainer;
}

describe("UsageSampler", () => {
  it("sends rates from the second sample on, per pod, without sandboxes or stopped containers", async () => {
    const clock = new FakeClock(1_000_000);
    const cpu: Record<string, number> = { a: 0, b: 0, sandbox: 0, stopped: 0 };
    let host = 0;
    const sampler = new UsageSampler({
      nodeName: "n1",
      runtime: {
        list: () =>
          Promise.resolve([
            container("a", "p1", "web"),
            container("b", "p1", "side"),
            container("sandbox", "p1", "POD"),
            container("stopped", "p2", "web", "exited"),
          ]),
      },
      usage: (id) => Promise.resolve({ cpuNanoseconds: cpu[id] ?? 0, memoryBytes: id === "a" ? 4096 : 2048 }),
      host: () => Promise.resolve({ cpuNanoseconds: host, memoryBytes: 1 << 30 }),
      clock,
      logger: createLogger({ level: "error" }),
    });
    expect(await sampler.sample()).toBeUndefined();
    await clock.advance(10_000);
    cpu.a = 2e9; // a fifth of a core over 10 s
    host = 15e9;
    const m = await sampler.sample();
    expect(m).toMatchObject({
      type: "usage",
      windowSeconds: 10,
      node: { cpuNanocores: 1.5e9, memoryBytes: 1 << 30 },
      pods: [
        {
          namespace: "default",
          name: "p1",
          uid: "uid-p1",
          containers: [
            { name: "web", cpuNanocores: 2e8, memoryBytes: 4096 },
            { name: "side", cpuNanocores: 0, memoryBytes: 2048 },
          ],
        },
      ],
    });
    expect(m?.timestamp).toBe(new Date(1_010_000).toISOString());
  });

  it("goes on without a container whose stats hang, and asks it again only once they answer", async () => {
    const clock = new FakeClock(1_000_000);
    const calls: string[] = [];
    let answerA: ((u: ContainerUsage) => void) | undefined;
    const warnings: string[] = [];
    const logger = createLogger({ level: "error" });
    const sampler = new UsageSampler({
      nodeName: "n1",
      runtime: { list: () => Promise.resolve([container("a", "p1", "stuck"), container("b", "p2", "fine")]) },
      usage: (id) => {
        calls.push(id);
        if (id === "a" && !answerA) return new Promise((resolve) => (answerA = resolve));
        return Promise.resolve({ cpuNanoseconds: clock.now() * 1000, memoryBytes: 1 });
      },
      host: () => Promise.resolve({ cpuNanoseconds: clock.now() * 1000, memoryBytes: 1 }),
      clock,
      logger: { ...logger, warn: (message: string) => void warnings.push(message) },
    });
    // One sample: time moves past the deadline once the sample waits on it, and on a second.
    const sampleAt = async (): Promise<Awaited<ReturnType<UsageSampler["sample"]>>> => {
      let settled = false;
      const pending = sampler.sample().finally(() => (settled = true));
      while (!settled && clock.pendingSleeps === 0) await new Promise((r) => setImmediate(r));
      if (!settled) await clock.advance(STATS_DEADLINE_MS);
      const m = await pending;
      await clock.advance(1000);
      return m;
    };
    expect(await sampleAt()).toBeUndefined();
    expect(warnings).toHaveLength(1);
    const second = await sampleAt();
    expect(second?.pods.map((p) => p.name)).toEqual(["p2"]);
    // a's first call is still out: no second call to it, and no second warning.
    expect(calls.filter((c) => c === "a")).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    answerA?.({ cpuNanoseconds: 0, memoryBytes: 1 });
    await sampleAt();
    const fourth = await sampleAt();
    expect(calls.filter((c) => c === "a")).toHaveLength(3);
    expect(fourth?.pods.map((p) => p.name).sort()).toEqual(["p1", "p2"]);
  });
});
