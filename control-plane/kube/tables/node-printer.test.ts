import { describe, expect, it } from "vitest";
import type { Node } from "../../../shared/api-types.js";
import { nodePrinter, nodeRoles, nodeStatus } from "./node-printer.js";

const NOW = Date.parse("2026-12-01T12:00:00Z");

describe("node Status and Roles", () => {
  const node = (ready: "True" | "False" | "Unknown" | undefined, unschedulable?: boolean): Node => ({
    metadata: { name: "n" },
    spec: unschedulable ? { unschedulable } : {},
    status: ready
      ? {
          conditions: [
            { type: "MemoryPressure", status: "False" },
            { type: "Ready", status: ready },
          ],
        }
      : {},
  });
  it.each([
    [node("True"), "Ready"],
    [node("False"), "NotReady"],
    [node("Unknown"), "NotReady"],
    [node(undefined), "Unknown"],
    [node("True", true), "Ready,SchedulingDisabled"],
    [node("Unknown", true), "NotReady,SchedulingDisabled"],
  ])("%# -> %s", (n, expected) => {
    expect(nodeStatus(n)).toBe(expected);
  });

  it.each([
    [{}, []],
    [
      { "node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "" },
      ["control-plane", "worker"],
    ],
    [{ "kubernetes.io/role": "master" }, ["master"]],
    [{ "kubernetes.io/role": "" }, []],
    [{ "node-role.kubernetes.io/": "x" }, []],
    [{ "kubernetes.io/role": "infra", "node-role.kubernetes.io/infra": "" }, ["infra"]],
  ])("roles of %j", (labels, expected) => {
    expect(nodeRoles(labels)).toEqual(expected);
  });

  it("prints <none> roles and <unknown> for missing node info", () => {
    const cells = nodePrinter.cells({ metadata: { name: "bare" }, spec: {} }, NOW);
    expect(cells).toEqual([
      "bare",
      "Unknown",
      "<none>",
      "<unknown>",
      "",
      "<none>",
      "<none>",
      "<unknown>",
      "<unknown>",
      "<unknown>",
    ]);
  });
});
