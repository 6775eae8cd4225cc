import { describe, expect, it } from "vitest";
import type { PodStatus } from "../../../shared/api-types.js";
import { validatePodStatus } from "./pod-status.js";

/** A status as the agent reports it for a running single-container pod. */
function running(): PodStatus {
  return {
    phase: "Running",
    conditions: [
      { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" },
      { type: "PodScheduled", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" },
    ],
    hostIP: "10.0.0.1",
    hostIPs: [{ ip: "10.0.0.1" }],
    podIP: "172.17.0.2",
    podIPs: [{ ip: "172.17.0.2" }],
    startTime: "2026-01-01T00:00:00Z",
    containerStatuses: [
      {
        name: "web",
        state: { running: { startedAt: "2026-01-01T00:00:01Z" } },
        lastState: { terminated: { exitCode: 137, reason: "Error", containerID: "docker://a" } },
        ready: true,
        started: true,
        restartCount: 1,
        image: "nginx:1.27",
        imageID: "docker-pullable://nginx@sha256:0",
        containerID: "docker://b",
      },
    ],
    qosClass: "BestEffort",
  };
}

type Mutation = (s: any) => void;

describe("validatePodStatus", () => {
  it("accepts what the agent reports", () => {
    expect(validatePodStatus(running(), "status", { strict: true })).toEqual([]);
    expect(validatePodStatus({}, "status", { strict: true })).toEqual([]);
  });

  it.each<[string, Mutation, string, string]>([
    ["an unknown phase", (s) => (s.phase = "Exploded"), "status.phase", "FieldValueNotSupported"],
    ["a phase that is no string", (s) => (s.phase = 5), "status.phase", "FieldValueTypeInvalid"],
    ["conditions that are no list", (s) => (s.conditions = {}), "status.conditions", "FieldValueTypeInvalid"],
    ["a null condition", (s) => (s.conditions = [null]), "status.conditions[0]", "FieldValueTypeInvalid"],
    [
      "a condition without type",
      (s) => delete s.conditions[0].type,
      "status.conditions[0].type",
      "FieldValueRequired",
    ],
    [
      "a condition status Maybe",
      (s) => (s.conditions[0].status = "Maybe"),
      "status.conditions[0].status",
      "FieldValueNotSupported",
    ],
    [
      "a transition time that is not RFC 3339",
      (s) => (s.conditions[0].lastTransitionTime = "yesterday"),
      "status.conditions[0].lastTransitionTime",
      "FieldValueInvalid",
    ],
    [
      "33 conditions",
      (s) => (s.conditions = new Array(33).fill(s.conditions[0])),
      "status.conditions",
      "FieldValueTooMany",
    ],
    [
      "a start time as a number",
      (s) => (s.startTime = 1767225600),
      "status.startTime",
      "FieldValueTypeInvalid",
    ],
    ["a null podIPs entry", (s) => (s.podIPs = [null]), "status.podIPs[0]", "FieldValueTypeInvalid"],
    ["a podIP of 2 KiB", (s) => (s.podIP = "1".repeat(2048)), "status.podIP", "FieldValueTooLong"],
    [
      "a message of 13 KiB",
      (s) => (s.message = "m".repeat(13 * 1024)),
      "status.message",
      "FieldValueTooLong",
    ],
    [
      "a container without name",
      (s) => delete s.containerStatuses[0].name,
      "status.containerStatuses[0].name",
      "FieldValueRequired",
    ],
    [
      "two containers of one name",
      (s) => s.containerStatuses.push(structuredClone(s.containerStatuses[0])),
      "status.containerStatuses[1].name",
      "FieldValueDuplicate",
    ],
    [
      "a restart count of -1",
      (s) => (s.containerStatuses[0].restartCount = -1),
      "status.containerStatuses[0].restartCount",
      "FieldValueInvalid",
    ],
    [
      "a restart count of 1.5",
      (s) => (s.containerStatuses[0].restartCount = 1.5),
      "status.containerStatuses[0].restartCount",
      "FieldValueTypeInvalid",
    ],
    [
      "ready as a string",
      (s) => (s.containerStatuses[0].ready = "yes"),
      "status.containerStatuses[0].ready",
      "FieldValueTypeInvalid",
    ],
    [
      "two states at once",
      (s) => (s.containerStatuses[0].state.waiting = { reason: "X" }),
      "status.containerStatuses[0].state",
      "FieldValueForbidden",
    ],
    [
      "a terminated state without exit code",
      (s) => delete s.containerStatuses[0].lastState.terminated.exitCode,
      "status.containerStatuses[0].lastState.terminated.exitCode",
      "FieldValueRequired",
    ],
    [
      "a started time that does not parse",
      (s) => (s.containerStatuses[0].state.running.startedAt = "not-a-date"),
      "status.containerStatuses[0].state.running.startedAt",
      "FieldValueInvalid",
    ],
    [
      "a missing state",
      (s) => delete s.containerStatuses[0].state,
      "status.containerStatuses[0].state",
      "FieldValueRequired",
    ],
    ["an unknown field", (s) => (s.extra = "x".repeat(100)), "status.extra", "FieldValueUnknown"],
    [
      "an unknown field in a container state",
      (s) => (s.containerStatuses[0].state.running.payload = 1),
      "status.containerStatuses[0].state.running.payload",
      "FieldValueUnknown",
    ],
  ])("refuses %s", (_what, mutate, field, type) => {
    const status = running();
    mutate(status);
    const errs = validatePodStatus(status, "status", { strict: true });
    expect(errs.map((e) => [e.field, e.type])).toContainEqual([field, type]);
  });

  it("without strict, leaves unknown fields and missing states to the caller", () => {
    const status = running() as any;
    status.nominatedNodeName = "n";
    delete status.containerStatuses[0].lastState;
    expect(validatePodStatus(status)).toEqual([]);
  });

  it("refuses a status that is no object", () => {
    expect(validatePodStatus([], "status")).toEqual([
      { type: "FieldValueTypeInvalid", field: "status", message: "Invalid value: []: must be an object" },
    ]);
  });
});
