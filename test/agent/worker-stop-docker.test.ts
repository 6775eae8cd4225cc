// Stopping pods on the real Docker engine: every pod being stopped stops at once (each waits
// out its own grace period, none waits for another's), its containers together, its sandbox
// after them; a terminating pod is reported gone once nothing of it is left. Concurrency is
// counted at the runtime, not timed.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContainerRuntime } from "../../agent/runtime/container-runtime.js";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter, SANDBOX } from "../../agent/runtime/labels.js";
import type { Worker } from "../../agent/worker/worker.js";
import type { Pod } from "../../shared/api-types.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { eventually } from "./helpers/docker-cleanup.js";
import type { FakeClock } from "../helpers/fake-clock.js";
import { startWorker, stopWorker, testPod } from "./helpers/test-pods.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE = `stop-${RUN}`;
const PODS = 8;
let dataDir: string;
let worker: Worker;
let clock: FakeClock;
const statuses: PodStatusReport[] = [];
const real = new DockerRuntime();
let inFlight = 0;
let mostInFlight = 0;
const stopOrder: string[] = [];

/** The real runtime, counting the stops in flight and their order. */
const runtime: ContainerRuntime = Object.assign(Object.create(real) as ContainerRuntime, {
  async stop(id: string, grace: number): Promise<void> {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    try {
      await real.stop(id, grace);
      const c = await real.inspect(id);
      stopOrder.push(`${c?.labels[LABELS.podUid] ?? ""}/${c?.labels[LABELS.container] ?? ""}`);
    } finally {
      inFlight--;
    }
  },
});

// Ignores SIGTERM, so that each stop waits out the grace period.
const stubborn = { command: ["sh", "-c", 'trap "" TERM; sleep 3600 & wait'] };

function pod(i: number): Pod {
  const p = testPod(RUN, `p${i}`, { nodeName: NODE, terminationGracePeriodSeconds: 2 }, stubborn);
  p.spec.containers.push({ name: "d", image: "everynode/web:test", ...stubborn });
  return p;
}

beforeAll(async () => {
  ({ worker, dataDir, clock } = await startWorker("everynode-stop-", { nodeName: NODE, runtime, statuses }));
});

afterAll(async () => {
  await stopWorker(worker, NODE, dataDir);
});

describe("stopping pods", () => {
  it(`stops ${PODS} terminating pods (two containers each) all at once, sandboxes last, and reports them gone`, async () => {
    const pods = Array.from({ length: PODS }, (_, i) => pod(i));
    worker.setDesired(1, pods);
    // Starting is not what is tested: on a busy engine a create may fail and wait out its
    // back-off, so the fake clock moves on as real time would.
    await eventually(
      async () => {
        await worker.settle();
        await clock.advance(1_000);
        return (await real.list(nodeFilter(NODE))).filter((c) => c.state === "running").length === PODS * 3;
      },
      60_000,
      async () =>
        JSON.stringify({
          containers: (await real.list(nodeFilter(NODE))).map((c) => `${c.name}:${c.state}`),
          statuses: statuses.slice(-8),
        }),
    );
    const deleted = pods.map((p) => ({
      ...p,
      metadata: { ...p.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 2 },
    }));
    worker.setDesired(2, deleted);
    await worker.settle();
    expect(await real.list(nodeFilter(NODE))).toEqual([]);
    // Every container of every pod was being stopped at the same time (a cap of 4 pods, one
    // container at a time, would give 4).
    expect(mostInFlight).toBe(PODS * 2);
    for (const p of pods) {
      const mine = stopOrder.filter((s) => s.startsWith(`${p.metadata.uid ?? ""}/`));
      expect(mine.at(-1)).toBe(`${p.metadata.uid ?? ""}/${SANDBOX}`);
      expect(statuses.some((s) => s.uid === p.metadata.uid && s.gone === true)).toBe(true);
    }
  });
});
