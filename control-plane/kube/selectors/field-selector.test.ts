import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../shared/api-types.js";
import { EverynodeError } from "../../../shared/errors.js";
import type { ResourceName } from "../kinds/resources.js";
import { matchesFields, parseFieldSelector } from "./field-selector.js";

const pod: KubeObject = {
  kind: "Pod",
  metadata: { name: "nginx-abcde", namespace: "default" },
  spec: {
    nodeName: "node01",
    restartPolicy: "Always",
    schedulerName: "default-scheduler",
    serviceAccountName: "default",
  },
  status: { phase: "Running", podIP: "10.244.1.11" },
};
const node: KubeObject = { kind: "Node", metadata: { name: "node01" }, spec: {} };
const cordoned: KubeObject = { kind: "Node", metadata: { name: "node02" }, spec: { unschedulable: true } };
const nodeEvent: KubeObject = {
  kind: "Event",
  metadata: { name: "node01.1", namespace: "default" },
  involvedObject: { kind: "Node", name: "node01", uid: "node01" },
  reason: "NodeReady",
  type: "Normal",
  source: { component: "node-controller" },
  reportingComponent: "node-controller",
};
const podEvent: KubeObject = {
  ...nodeEvent,
  involvedObject: {
    kind: "Pod",
    name: "nginx-abcde",
    namespace: "default",
    uid: "p1",
    fieldPath: "spec.containers{nginx}",
  },
  reason: "Pulled",
};

describe("parseFieldSelector", () => {
  it.each([
    ["", []],
    ["metadata.name=nginx", [{ field: "metadata.name", operator: "=", value: "nginx" }]],
    ["metadata.name==nginx", [{ field: "metadata.name", operator: "=", value: "nginx" }]],
    ["status.phase!=Failed", [{ field: "status.phase", operator: "!=", value: "Failed" }]],
    ["spec.nodeName=", [{ field: "spec.nodeName", operator: "=", value: "" }]],
    [
      "spec.nodeName=node01,status.phase!=Succeeded,status.phase!=Failed",
      [
        { field: "spec.nodeName", operator: "=", value: "node01" },
        { field: "status.phase", operator: "!=", value: "Succeeded" },
        { field: "status.phase", operator: "!=", value: "Failed" },
      ],
    ],
    ["metadata.name=a\\,b", [{ field: "metadata.name", operator: "=", value: "a,b" }]],
  ])("%j", (text, expected) => {
    expect(parseFieldSelector(text, "pods")).toEqual(expected);
  });

  it.each<[string, ResourceName, RegExp]>([
    ["spec.nodeName=node01", "daemonsets", /^field label not supported: spec.nodeName$/],
    ["spec.unschedulable=true", "pods", /^field label not supported: spec.unschedulable$/],
    ["status.phase=Active", "nodes", /^field label not supported: status.phase$/],
    ["metadata.labels=x", "events", /^field label not supported: metadata.labels$/],
    ["metadata.name", "pods", /invalid selector: 'metadata.name'; can't understand 'metadata.name'/],
  ])("rejects %j for %s", (text, resource, message) => {
    let caught: unknown;
    try {
      parseFieldSelector(text, resource);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EverynodeError);
    expect((caught as EverynodeError).code).toBe("BadRequest");
    expect((caught as EverynodeError).message).toMatch(message);
  });
});

describe("matchesFields", () => {
  it.each<[string, ResourceName, KubeObject, boolean]>([
    ["", "pods", pod, true],
    ["metadata.name=nginx-abcde", "pods", pod, true],
    ["metadata.namespace=kube-system", "pods", pod, false],
    ["spec.nodeName=node01,status.phase!=Succeeded,status.phase!=Failed", "pods", pod, true],
    ["spec.nodeName=node02,status.phase!=Succeeded", "pods", pod, false],
    ["status.phase!=Running", "pods", pod, false],
    ["status.podIP=10.244.1.11", "pods", pod, true],
    [
      "spec.restartPolicy=Always,spec.schedulerName=default-scheduler,spec.serviceAccountName=default",
      "pods",
      pod,
      true,
    ],
    ["status.nominatedNodeName=", "pods", pod, true],
    ["spec.unschedulable=false", "nodes", node, true],
    ["spec.unschedulable=true", "nodes", cordoned, true],
    ["spec.unschedulable!=true", "nodes", cordoned, false],
    ["metadata.namespace=", "nodes", node, true],
    // kubectl describe node, in the two orders different kubectl versions send
    [
      "involvedObject.name=node01,involvedObject.namespace=,involvedObject.kind=Node,involvedObject.uid=node01",
      "events",
      nodeEvent,
      true,
    ],
    [
      "involvedObject.kind=Node,involvedObject.uid=node01,involvedObject.namespace=,involvedObject.name=node01",
      "events",
      nodeEvent,
      true,
    ],
    [
      "involvedObject.name=node01,involvedObject.namespace=,involvedObject.kind=Node",
      "events",
      podEvent,
      false,
    ],
    [
      "involvedObject.namespace=default,involvedObject.fieldPath=spec.containers{nginx}",
      "events",
      podEvent,
      true,
    ],
    [
      "reason=Pulled,type=Normal,source=node-controller,reportingComponent=node-controller",
      "events",
      podEvent,
      true,
    ],
    ["type=Warning", "events", podEvent, false],
  ])("%j on %s", (text, resource, object, expected) => {
    expect(matchesFields(parseFieldSelector(text, resource), object, resource)).toBe(expected);
  });
});
