import { describe, expect, it } from "vitest";
import type { ContainerStatus, Pod } from "../../shared/api-types.js";
import type { ObservedContainer } from "../runtime/container-runtime.js";
import { buildLabels, containerSpecHash, SANDBOX } from "../runtime/labels.js";
import { goDuration, podStatusFor, type StatusFacts } from "./pod-status.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const T = (s: number): number => NOW + s * 1000;
const ISO = (s: number): string => new Date(T(s)).toISOString().replace(".000Z", "Z");

const POD: Pod = {
  metadata: { name: "web-x1", namespace: "default", uid: "u1" },
  spec: { nodeName: "n1", containers: [{ name: "web", image: "everynode/web:test" }] },
};

function obs(id: string, o: Partial<ObservedContainer> & { count?: number } = {}): ObservedContainer {
  const c = POD.spec.containers[0]!;
  const { count, ...rest } = o;
  return {
    id,
    name: id,
    labels: buildLabels(POD, c, "n1", count ?? 0, containerSpecHash(POD, c)),
    image: "everynode/web:test",
    imageId: "sha256:img",
    state: "running",
    exitCode: 0,
    createdAt: T(-100) + (count ?? 0),
    startedAt: T(-50),
    oomKilled: false,
    ...rest,
  };
}

function facts(over: Partial<StatusFacts> = {}): StatusFacts {
  return { hostIP: "10.0.0.5", pullErrors: {}, backoffs: {}, now: NOW, ...over };
}

const exited = (id: string, count: number, extra: Partial<ObservedContainer> = {}): ObservedContainer =>
  obs(id, { count, state: "exited", exitCode: 1, startedAt: T(-20), finishedAt: T(-10), ...extra });

/** A container the engine created but could not start: no start or finish time, its error. */
function neverStarted(id: string, count: number, error: string, createdAt: number): ObservedContainer {
  const c = obs(id, { count, state: "created", exitCode: 128, error, createdAt });
  delete c.startedAt;
  return c;
}

describe("podStatusFor: container states", () => {
  it.each<{
    name: string;
    observed: ObservedContainer[];
    f?: Partial<StatusFacts>;
    want: Partial<ContainerStatus>;
  }>([
    {
      name: "no container yet: ContainerCreating",
      observed: [],
      want: {
        state: { waiting: { reason: "ContainerCreating" } },
        ready: false,
        restartCount: 0,
        imageID: "",
      },
    },
    {
      name: "running",
      observed: [obs("c1")],
      want: {
        state: { running: { startedAt: ISO(-50) } },
        ready: true,
        started: true,
        containerID: "docker://c1",
        imageID: "docker://sha256:img",
        image: "everynode/web:test",
      },
    },
    {
      name: "pull failed: ErrImagePull",
      observed: [],
      f: { pullErrors: { "u1/web": { reason: "ErrImagePull", message: "failed to pull" } } },
      want: { state: { waiting: { reason: "ErrImagePull", message: "failed to pull" } } },
    },
    {
      name: "backing off pulls: ImagePullBackOff",
      observed: [],
      f: {
        pullErrors: { "u1/web": { reason: "ErrImagePull", message: "x" } },
        backoffs: { "u1/web": { reason: "ImagePullBackOff", delayMs: 10_000 } },
      },
      want: {
        state: {
          waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "everynode/web:test"' },
        },
      },
    },
    {
      name: "crash-looping: CrashLoopBackOff, last exit kept",
      observed: [exited("c2", 2), exited("c1", 1)],
      f: { backoffs: { "u1/web": { reason: "CrashLoopBackOff", delayMs: 40_000 } } },
      want: {
        state: {
          waiting: {
            reason: "CrashLoopBackOff",
            message: "back-off 40s restarting failed container=web pod=web-x1_default(u1)",
          },
        },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: "Error",
            startedAt: ISO(-20),
            finishedAt: ISO(-10),
            containerID: "docker://c2",
          },
        },
        restartCount: 2,
        ready: false,
      },
    },
    {
      name: "could not start, backing off: ContainerCannotRun with the engine's error, finished at its creation",
      observed: [neverStarted("c1", 1, "unable to apply caps", T(-5))],
      f: { backoffs: { "u1/web": { reason: "CrashLoopBackOff", delayMs: 10_000 } } },
      want: {
        state: {
          waiting: {
            reason: "CrashLoopBackOff",
            message: "back-off 10s restarting failed container=web pod=web-x1_default(u1)",
          },
        },
        lastState: {
          terminated: {
            exitCode: 128,
            reason: "ContainerCannotRun",
            message: "unable to apply caps",
            finishedAt: ISO(-5),
            containerID: "docker://c1",
          },
        },
        restartCount: 1,
      },
    },
    {
      name: "a restart whose pull failed: ErrImagePull, the crash kept as the last state",
      observed: [exited("c1", 1)],
      f: { pullErrors: { "u1/web": { reason: "ErrImagePull", message: "failed to pull" } } },
      want: {
        state: { waiting: { reason: "ErrImagePull", message: "failed to pull" } },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: "Error",
            startedAt: ISO(-20),
            finishedAt: ISO(-10),
            containerID: "docker://c1",
          },
        },
        restartCount: 1,
      },
    },
    {
      name: "exited with 0, not yet restarted: terminated Completed",
      observed: [exited("c1", 0, { exitCode: 0 })],
      want: {
        state: {
          terminated: {
            exitCode: 0,
            reason: "Completed",
            startedAt: ISO(-20),
            finishedAt: ISO(-10),
            containerID: "docker://c1",
          },
        },
      },
    },
    {
      name: "killed for memory: OOMKilled",
      observed: [exited("c1", 0, { exitCode: 137, oomKilled: true })],
      want: {
        state: {
          terminated: {
            exitCode: 137,
            reason: "OOMKilled",
            startedAt: ISO(-20),
            finishedAt: ISO(-10),
            containerID: "docker://c1",
          },
        },
      },
    },
    {
      name: "restarted: running, lastState from the previous attempt, count from the label",
      observed: [obs("c4", { count: 4 }), exited("c3", 3)],
      want: {
        state: { running: { startedAt: ISO(-50) } },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: "Error",
            startedAt: ISO(-20),
            finishedAt: ISO(-10),
            containerID: "docker://c3",
          },
        },
        restartCount: 4,
        ready: true,
      },
    },
  ])("$name", ({ observed, f, want }) => {
    const status = podStatusFor(POD, observed, facts(f));
    expect(status.containerStatuses?.[0]).toMatchObject(want);
  });
});

describe("podStatusFor: pod fields", () => {
  it("is Pending and not Ready before the container has started", () => {
    const s = podStatusFor(POD, [], facts());
    expect(s.phase).toBe("Pending");
    expect(s.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ContainersNotReady",
      message: "containers with unready status: [web]",
    });
    expect(s.conditions?.find((c) => c.type === "PodScheduled")?.status).toBe("True");
  });

  it("is Running and Ready with the container running; podIP is its sandbox's bridge IP", () => {
    const sandbox = {
      ...obs("s1", { ipAddress: "172.17.0.9" }),
      labels: buildLabels(POD, { name: SANDBOX }, "n1", 0, "h"),
    };
    const s = podStatusFor(POD, [sandbox, obs("c1")], facts());
    expect(s.phase).toBe("Running");
    expect(
      s.conditions
        ?.filter((c) => c.status === "True")
        .map((c) => c.type)
        .sort(),
    ).toEqual(["ContainersReady", "Initialized", "PodReadyToStartContainers", "PodScheduled", "Ready"]);
    expect(s).toMatchObject({
      hostIP: "10.0.0.5",
      podIP: "172.17.0.9",
      podIPs: [{ ip: "172.17.0.9" }],
      startTime: ISO(0),
    });
  });

  it("has no podIP before its sandbox runs, the node's with hostNetwork", () => {
    expect(podStatusFor(POD, [obs("c1")], facts()).podIP).toBeUndefined();
    const host = { ...POD, spec: { ...POD.spec, hostNetwork: true } };
    expect(podStatusFor(host, [], facts()).podIPs).toEqual([{ ip: "10.0.0.5" }]);
  });

  it("waits in ContainerCreating with the sandbox's error", () => {
    const s = podStatusFor(POD, [], facts({ sandboxErrors: { u1: "Failed to create pod sandbox: no" } }));
    expect(s.containerStatuses?.[0]?.state.waiting).toEqual({
      reason: "ContainerCreating",
      message: "Failed to create pod sandbox: no",
    });
  });

  it("stays Running (not Ready) while crash-looping", () => {
    const s = podStatusFor(
      POD,
      [exited("c1", 1)],
      facts({ backoffs: { "u1/web": { reason: "CrashLoopBackOff", delayMs: 10_000 } } }),
    );
    expect(s.phase).toBe("Running");
    expect(s.conditions?.find((c) => c.type === "ContainersReady")?.status).toBe("False");
  });

  it("uses the node IP for hostNetwork pods", () => {
    const hostNet: Pod = { ...POD, spec: { ...POD.spec, hostNetwork: true } };
    const c = hostNet.spec.containers[0]!;
    const o = {
      ...obs("c1", { ipAddress: "172.17.0.9" }),
      labels: buildLabels(hostNet, c, "n1", 0, containerSpecHash(hostNet, c)),
    };
    expect(podStatusFor(hostNet, [o], facts()).podIP).toBe("10.0.0.5");
  });

  it("keeps startTime and transition times of the previous status", () => {
    const first = podStatusFor(POD, [obs("c1")], facts());
    const later = podStatusFor(POD, [obs("c1")], facts({ now: T(300), previous: first }));
    expect(later).toEqual(first);
  });
});

describe("goDuration", () => {
  it.each([
    [10_000, "10s"],
    [40_000, "40s"],
    [80_000, "1m20s"],
    [300_000, "5m0s"],
  ])("%i ms → %s", (ms, want) => {
    expect(goDuration(ms)).toBe(want);
  });
});
