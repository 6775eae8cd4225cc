import { describe, expect, it } from "vitest";
import type { ContainerStatus, Pod, PodStatus } from "../../shared/api-types.js";
import { mergeReportedStatus, podStatusEvents } from "./pod-status-report.js";

const pod: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "nginx-abc", namespace: "default", uid: "u1" },
  spec: { nodeName: "n1", containers: [{ name: "nginx", image: "nginx:1.25" }] },
};

function cs(state: ContainerStatus["state"], restartCount = 0, containerID = "docker://1"): ContainerStatus {
  return {
    name: "nginx",
    state,
    lastState: {},
    ready: !!state.running,
    restartCount,
    image: "nginx:1.25",
    imageID: "",
    containerID,
  };
}

function status(...containers: ContainerStatus[]): PodStatus {
  return { phase: "Running", containerStatuses: containers };
}

describe("mergeReportedStatus", () => {
  it("keeps the PodScheduled condition the control plane set", () => {
    const current: PodStatus = {
      conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "t0" }],
    };
    const reported: PodStatus = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };
    expect(mergeReportedStatus(current, reported).conditions).toEqual([
      { type: "Ready", status: "True" },
      { type: "PodScheduled", status: "True", lastTransitionTime: "t0" },
    ]);
  });

  it("changes neither the stored status nor the report", () => {
    const current: PodStatus = {
      conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "t0" }],
    };
    const reported: PodStatus = {
      phase: "Running",
      conditions: [
        { type: "PodScheduled", status: "False" },
        { type: "Ready", status: "True" },
      ],
    };
    const before = structuredClone({ current, reported });
    const next = mergeReportedStatus(current, reported);
    expect({ current, reported }).toEqual(before);
    expect(next.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(["Ready=True", "PodScheduled=True"]);
  });

  it("takes the report as it is when no PodScheduled was set", () => {
    const reported: PodStatus = { phase: "Pending" };
    expect(mergeReportedStatus(undefined, reported)).toEqual(reported);
  });
});

const running = cs({ running: { startedAt: "t1" } });
const crash = cs({ waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } }, 1);
const pull = cs({ waiting: { reason: "ErrImagePull", message: "not found" } }, 0, "");
const config = cs({ waiting: { reason: "CreateContainerConfigError", message: "volume v: nfs" } }, 0, "");
const config2 = cs({ waiting: { reason: "CreateContainerConfigError", message: "other" } }, 0, "");
const mount = cs(
  { waiting: { reason: "ContainerCreating", message: 'MountVolume.SetUp failed for volume "v" : x' } },
  0,
  "",
);
const sandbox = cs(
  { waiting: { reason: "ContainerCreating", message: "Failed to create pod sandbox: y" } },
  0,
  "",
);
const creating = cs({ waiting: { reason: "ContainerCreating" } }, 0, "");
const cannotRun = cs({
  terminated: {
    exitCode: 128,
    reason: "ContainerCannotRun",
    message: "no such file",
    containerID: "docker://1",
  },
});

describe("podStatusEvents", () => {
  it.each([
    ["first start", undefined, status(running), ["Pulled", "Created", "Started"]],
    ["still running", status(running), status(running), []],
    [
      "restarted",
      status(running),
      status(cs({ running: {} }, 1, "docker://2")),
      ["Pulled", "Created", "Started"],
    ],
    ["crash loop begins", status(running), status(crash), ["BackOff"]],
    ["crash loop unchanged", status(crash), status(crash), []],
    ["crash loop after another restart", status(crash), status(cs(crash.state, 2)), ["BackOff"]],
    ["image pull fails", undefined, status(pull), ["Pulling", "Failed"]],
    ["image pull still failing", status(pull), status(pull), []],
    ["config refused", undefined, status(config), ["Failed"]],
    ["config still refused", status(config), status(config), []],
    ["config refused for another reason", status(config), status(config2), ["Failed"]],
    ["volume cannot be set up", status(creating), status(mount), ["FailedMount"]],
    ["sandbox cannot be made", status(creating), status(sandbox), ["FailedCreatePodSandBox"]],
    ["plain ContainerCreating", undefined, status(creating), []],
    ["container cannot run", status(creating), status(cannotRun), ["Failed"]],
    [
      "cannot-run attempt now last state",
      status(cannotRun),
      status({
        ...cs({ waiting: { reason: "CrashLoopBackOff", message: "b" } }, 1),
        lastState: cannotRun.state,
      }),
      ["BackOff"],
    ],
  ])("%s → %j", (_what, before, after, reasons) => {
    expect(podStatusEvents(pod, before, after).map((e) => e.reason)).toEqual(reasons);
  });

  it("reports the pull before the start when the policy is Always", () => {
    const always = structuredClone(pod);
    always.spec.containers[0]!.imagePullPolicy = "Always";
    const events = podStatusEvents(always, undefined, status(running));
    expect(events.map((e) => e.reason)).toEqual(["Pulling", "Pulled", "Created", "Started"]);
    expect(events[1]?.message).toBe('Successfully pulled image "nginx:1.25"');
  });

  it("words the events as the kubelet does", () => {
    const events = podStatusEvents(pod, status(running), status(crash));
    expect(events).toEqual([
      {
        type: "Warning",
        reason: "BackOff",
        message: "Back-off restarting failed container nginx in pod nginx-abc_default(u1)",
        fieldPath: "spec.containers{nginx}",
      },
    ]);
    expect(podStatusEvents(pod, undefined, status(running))[2]?.message).toBe("Started container nginx");
    expect(podStatusEvents(pod, undefined, status(config))[0]).toMatchObject({
      type: "Warning",
      reason: "Failed",
      message: "Error: volume v: nfs",
    });
    expect(podStatusEvents(pod, undefined, status(pull))[1]).toMatchObject({
      type: "Warning",
      message: 'Failed to pull image "nginx:1.25": not found',
    });
  });
});

describe("an evicted pod", () => {
  it("gives one Warning Evicted event with the node's message", () => {
    const message = 'Usage of EmptyDir volume "v" exceeds the limit "1Mi".';
    const running = status(cs({ running: {} }));
    const evicted: PodStatus = {
      ...status(cs({ terminated: { exitCode: 137, reason: "Error" } })),
      phase: "Failed",
      reason: "Evicted",
      message,
    };
    expect(podStatusEvents(pod, running, evicted).filter((e) => e.reason === "Evicted")).toEqual([
      { type: "Warning", reason: "Evicted", message, fieldPath: "" },
    ]);
    expect(podStatusEvents(pod, evicted, evicted).filter((e) => e.reason === "Evicted")).toEqual([]);
  });
});
