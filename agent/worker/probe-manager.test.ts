import { describe, expect, it } from "vitest";
import { FakeClock, flush } from "../../test/helpers/fake-clock.js";
import type { Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import type { ContainerRuntime, ExecResult, ObservedContainer } from "../runtime/container-runtime.js";
import { buildLabels, containerSpecHash } from "../runtime/labels.js";
import { ProbeManager } from "./probe-manager.js";

const probe = { exec: { command: ["check"] }, periodSeconds: 1, failureThreshold: 2 };
const POD: Pod = {
  metadata: { name: "web-x1", namespace: "default", uid: "u1" },
  spec: {
    nodeName: "n1",
    terminationGracePeriodSeconds: 7,
    containers: [{ name: "web", image: "everynode/web:test", livenessProbe: probe, readinessProbe: probe }],
  },
};

function running(id: string, clock: FakeClock): ObservedContainer {
  const spec = POD.spec.containers[0]!;
  return {
    id,
    name: id,
    labels: buildLabels(POD, spec, "n1", 0, containerSpecHash(POD, spec)),
    image: "everynode/web:test",
    imageId: "sha256:x",
    state: "running",
    exitCode: 0,
    createdAt: clock.now(),
    startedAt: clock.now() + 5000, // the engine's clock runs ahead: counts as now
    oomKilled: false,
    ipAddress: "172.17.0.9",
  };
}

/** A runtime whose exec answers with `exitCode`, counting calls and overlaps. */
function harness() {
  const clock = new FakeClock();
  const calls = { total: 0, concurrent: 0, maxConcurrent: 0, exitCode: 0 };
  const runtime = {
    exec: async (): Promise<ExecResult> => {
      calls.total++;
      calls.concurrent++;
      calls.maxConcurrent = Math.max(calls.maxConcurrent, calls.concurrent);
      await flush();
      calls.concurrent--;
      return { exitCode: calls.exitCode, output: calls.exitCode ? "unhealthy" : "" };
    },
  } as unknown as ContainerRuntime;
  let changes = 0;
  const m = new ProbeManager({
    runtime,
    clock,
    logger: silentLogger,
    hostIP: "10.0.0.5",
    onChange: () => changes++,
  });
  return { clock, calls, m, changes: () => changes };
}

describe("ProbeManager", () => {
  it("probes at once and every period, one probe of a container at a time", async () => {
    const h = harness();
    h.m.sync([POD], [running("c1", h.clock)]);
    await h.m.idle();
    expect(h.calls.total).toBe(2); // liveness and readiness, one after the other
    expect(h.calls.maxConcurrent).toBe(1);
    expect(h.m.views()["u1/web"]).toMatchObject({ containerId: "c1", ready: true, started: true });
    expect(h.changes()).toBe(1);
    await h.clock.advance(999);
    await h.m.idle();
    expect(h.calls.total).toBe(2);
    await h.clock.advance(1);
    await h.m.idle();
    expect(h.calls.total).toBe(4);
  });

  it("asks for a kill after failureThreshold liveness failures, once", async () => {
    const h = harness();
    h.m.sync([POD], [running("c1", h.clock)]);
    await h.m.idle();
    h.calls.exitCode = 1;
    await h.clock.advance(1000);
    await h.m.idle();
    expect(h.m.kills()).toEqual([]);
    await h.clock.advance(1000);
    await h.m.idle();
    expect(h.m.kills()).toEqual([
      {
        podUid: "u1",
        container: "web",
        containerId: "c1",
        graceSeconds: 7,
        message: "Liveness probe failed: unhealthy",
      },
    ]);
    expect(h.m.views()["u1/web"]).toMatchObject({
      ready: false,
      readinessMessage: "Readiness probe failed: unhealthy",
    });
    h.m.markKilling("u1", "web");
    expect(h.m.kills()).toEqual([]);
    const before = h.calls.total;
    await h.clock.advance(3000);
    await h.m.idle();
    expect(h.calls.total).toBe(before); // a container being killed is not probed
  });

  it("drops a container's state when it stops running, and starts fresh for its successor", async () => {
    const h = harness();
    h.m.sync([POD], [running("c1", h.clock)]);
    await h.m.idle();
    h.m.sync([POD], []);
    expect(h.m.views()).toEqual({});
    await h.clock.advance(5000);
    expect(h.calls.total).toBe(2);
    h.m.sync([POD], [running("c2", h.clock)]);
    await h.m.idle();
    expect(h.m.views()["u1/web"]).toMatchObject({ containerId: "c2", ready: true });
    h.m.sync([], [running("c2", h.clock)]);
    expect(h.m.views()).toEqual({});
    await h.m.stop();
  });
});
