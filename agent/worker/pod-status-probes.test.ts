import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { ObservedContainer } from "../runtime/container-runtime.js";
import { buildLabels, containerSpecHash } from "../runtime/labels.js";
import { podStatusFor, type StatusFacts } from "./pod-status.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const probe = { httpGet: { port: 80, path: "/" } };
const POD: Pod = {
  metadata: { name: "web-x1", namespace: "default", uid: "u1" },
  spec: {
    nodeName: "n1",
    containers: [{ name: "web", image: "everynode/web:test", readinessProbe: probe, livenessProbe: probe }],
  },
};
const SPEC = POD.spec.containers[0]!;

function obs(id: string, o: Partial<ObservedContainer> & { count?: number } = {}): ObservedContainer {
  const { count, ...rest } = o;
  return {
    id,
    name: id,
    labels: buildLabels(POD, SPEC, "n1", count ?? 0, containerSpecHash(POD, SPEC)),
    image: "everynode/web:test",
    imageId: "sha256:img",
    state: "running",
    exitCode: 0,
    createdAt: NOW - 100_000 + (count ?? 0),
    startedAt: NOW - 50_000,
    oomKilled: false,
    ...rest,
  };
}

function facts(over: Partial<StatusFacts> = {}): StatusFacts {
  return { hostIP: "10.0.0.5", pullErrors: {}, backoffs: {}, now: NOW, ...over };
}

const view = (ready: boolean, containerId = "c1", readinessMessage?: string) => ({
  "u1/web": { started: true, ready, containerId, ...(readinessMessage ? { readinessMessage } : {}) },
});

describe("podStatusFor with probes", () => {
  it.each([
    ["readiness passed: ready", view(true), true],
    ["readiness not passed: not ready", view(false), false],
    ["a view of an older container is ignored: not ready yet", view(true, "old"), false],
    ["no view yet for a probed container: not ready", undefined, false],
  ])("%s", (_what, probes, ready) => {
    const status = podStatusFor(POD, [obs("c1")], facts(probes ? { probes } : {}));
    expect(status.containerStatuses?.[0]?.ready).toBe(ready);
    const cond = (t: string) => status.conditions?.find((c) => c.type === t);
    expect(cond("Ready")?.status).toBe(ready ? "True" : "False");
    expect(cond("ContainersReady")?.status).toBe(ready ? "True" : "False");
    if (!ready) {
      expect(cond("ContainersReady")).toMatchObject({
        reason: "ContainersNotReady",
        message: "containers with unready status: [web]",
      });
    }
  });

  it("a startup probe not passed yet: neither started nor ready", () => {
    const pod: Pod = { ...POD, spec: { ...POD.spec, containers: [{ ...SPEC, startupProbe: probe }] } };
    const s = podStatusFor(pod, [obs("c1")], facts());
    expect(s.containerStatuses?.[0]).toMatchObject({ started: false, ready: false });
  });

  it("puts the last readiness failure in the pod's message", () => {
    const msg = "Readiness probe failed: HTTP probe failed with statuscode: 404";
    const s = podStatusFor(POD, [obs("c1")], facts({ probes: view(false, "c1", msg) }));
    expect(s.message).toBe(`web: ${msg}`);
    expect(podStatusFor(POD, [obs("c1")], facts({ probes: view(true) })).message).toBeUndefined();
  });

  it("a container killed for its liveness probe shows the probe's message in lastState", () => {
    const msg = "Liveness probe failed: HTTP probe failed with statuscode: 500";
    const killed = obs("c1", { state: "exited", exitCode: 137, finishedAt: NOW - 1000 });
    const s = podStatusFor(POD, [killed, obs("c2", { count: 1 })], facts({ probeKills: { c1: msg } }));
    expect(s.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      lastState: { terminated: { exitCode: 137, reason: "Error", message: msg, containerID: "docker://c1" } },
    });
  });
});
