import { describe, expect, it } from "vitest";
import type { DaemonSet, Node } from "../../shared/api-types.js";
import {
  DAEMONSET_STATUS_GAUGES,
  nodesByReady,
  pausedSamples,
  statusSamples,
  stoppedSamples,
  updatedRatio,
} from "./fleet-gauges.js";

const node = (name: string, ready?: "True" | "False" | "Unknown"): Node => ({
  metadata: { name },
  spec: {},
  status: ready ? { conditions: [{ type: "Ready", status: ready }] } : {},
});

const ds = (name: string, status: Partial<DaemonSet["status"]> & object = {}, paused?: boolean): DaemonSet =>
  ({
    metadata: { name, namespace: "default" },
    spec: {
      selector: {},
      template: {},
      ...(paused !== undefined
        ? { updateStrategy: { type: "RollingUpdate", rollingUpdate: { paused } } }
        : {}),
    },
    status,
  }) as DaemonSet;

const labels = (name: string): Record<string, string> => ({ namespace: "default", daemonset: name });

describe("nodesByReady", () => {
  it("counts nodes by their Ready condition, those without one as Unknown, every status always present", () => {
    expect(nodesByReady([node("a", "True"), node("b", "True"), node("c", "False"), node("d")])).toEqual([
      { labels: { ready: "True" }, value: 2 },
      { labels: { ready: "False" }, value: 1 },
      { labels: { ready: "Unknown" }, value: 1 },
    ]);
    expect(nodesByReady([]).map((s) => s.value)).toEqual([0, 0, 0]);
  });
});

describe("DaemonSet status gauges", () => {
  const status = {
    desiredNumberScheduled: 10,
    currentNumberScheduled: 9,
    numberReady: 8,
    updatedNumberScheduled: 7,
    numberAvailable: 6,
    numberUnavailable: 4,
    numberMisscheduled: 1,
  };
  it.each([
    ["everynode_daemonset_status_desired_number_scheduled", 10],
    ["everynode_daemonset_status_current_number_scheduled", 9],
    ["everynode_daemonset_status_number_ready", 8],
    ["everynode_daemonset_status_updated_number_scheduled", 7],
    ["everynode_daemonset_status_number_available", 6],
    ["everynode_daemonset_status_number_unavailable", 4],
    ["everynode_daemonset_status_number_misscheduled", 1],
  ])("%s", (name, value) => {
    const gauge = DAEMONSET_STATUS_GAUGES.find((g) => g.name === name)!;
    expect(statusSamples([ds("web", status)], gauge)).toEqual([{ labels: labels("web"), value }]);
  });

  it("reads absent or odd counts as 0", () => {
    const odd = ds("odd", { numberReady: "many" as unknown as number });
    for (const g of DAEMONSET_STATUS_GAUGES) expect(statusSamples([odd], g)[0]?.value).toBe(0);
  });
});

describe("rollout gauges", () => {
  it.each<[string, object, number]>([
    ["half updated", { desiredNumberScheduled: 4, updatedNumberScheduled: 2 }, 0.5],
    ["done", { desiredNumberScheduled: 4, updatedNumberScheduled: 4 }, 1],
    ["nothing desired", { desiredNumberScheduled: 0, updatedNumberScheduled: 0 }, 1],
    ["more updated than desired (a node left)", { desiredNumberScheduled: 2, updatedNumberScheduled: 3 }, 1],
  ])("updated ratio: %s", (_what, status, value) => {
    expect(updatedRatio([ds("web", status)])).toEqual([{ labels: labels("web"), value }]);
  });

  it("paused: 1 only while spec.updateStrategy.rollingUpdate.paused is true", () => {
    expect(pausedSamples([ds("a", {}, true), ds("b", {}, false), ds("c")]).map((s) => s.value)).toEqual([
      1, 0, 0,
    ]);
  });

  it("stopped: a series per known reason, 1 for an active stop's, and a series for an unknown reason", () => {
    const stop = (reason: string, active: boolean) => ({
      rollout: {
        updateRevision: 2,
        updateHash: "h",
        updatedNodes: 0,
        oldNodes: 1,
        heldBackNodes: 0,
        updatedAvailableNodes: 0,
        stop: { hash: "h", reason, message: "m", time: "2026-01-01T00:00:00Z", active },
      },
    });
    const samples = stoppedSamples([
      ds("auto", stop("AutoPaused", true)),
      ds("resumed", stop("ProgressDeadlineExceeded", false)),
      ds("new", stop("SomethingNew", true)),
    ]);
    expect(samples.map((s) => [s.labels?.daemonset, s.labels?.reason, s.value])).toEqual([
      ["auto", "AutoPaused", 1],
      ["auto", "ProgressDeadlineExceeded", 0],
      ["resumed", "AutoPaused", 0],
      ["resumed", "ProgressDeadlineExceeded", 0],
      ["new", "AutoPaused", 0],
      ["new", "ProgressDeadlineExceeded", 0],
      ["new", "SomethingNew", 1],
    ]);
  });
});
