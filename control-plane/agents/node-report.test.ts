import { describe, expect, it } from "vitest";
import type { Node } from "../../shared/api-types.js";
import type { NodeReport } from "../../shared/protocol.js";
import { nodeWithReport } from "./node-report.js";

const report: NodeReport = {
  addresses: [{ type: "InternalIP", address: "10.0.0.1" }],
  capacity: { cpu: "2", memory: "4Gi", pods: "110" },
  allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
  nodeInfo: {
    machineID: "m",
    systemUUID: "s",
    bootID: "b",
    kernelVersion: "6.1",
    osImage: "Debian",
    containerRuntimeVersion: "docker://27.0.0",
    kubeletVersion: "v1.32.4-everynode",
    kubeProxyVersion: "",
    operatingSystem: "linux",
    architecture: "amd64",
  },
};

const bare: Node = {
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "n1" },
  spec: {},
  status: { conditions: [{ type: "Ready", status: "True" }] },
};

describe("nodeWithReport", () => {
  it("fills the report in and keeps the conditions", () => {
    const next = nodeWithReport(bare, report);
    expect(next?.status).toMatchObject({ ...report, daemonEndpoints: { kubeletEndpoint: { Port: 0 } } });
    expect(next?.status?.conditions).toEqual(bare.status?.conditions);
  });

  it("changes neither the node nor the report", () => {
    const node = structuredClone(bare);
    const given = structuredClone(report);
    const next = nodeWithReport(node, given);
    expect(node).toEqual(bare);
    expect(given).toEqual(report);
    expect(next).not.toBe(node);
    expect(next?.status).not.toBe(node.status);
  });

  it.each([
    ["the same report", report, false],
    ["a new address", { ...report, addresses: [{ type: "InternalIP", address: "10.0.0.2" }] }, true],
    ["new capacity", { ...report, capacity: { ...report.capacity, cpu: "4" } }, true],
  ])("after one report, %s changes the node: %s", (_what, second, changed) => {
    const once = nodeWithReport(bare, report)!;
    expect(nodeWithReport(once, second) !== undefined).toBe(changed);
  });
});
