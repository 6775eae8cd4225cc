// Strategic merge with each kind's merge rules (control-plane/kube), through the bodies
// kubectl taint, cordon and uncordon send and the status updates agents make.
import { describe, expect, it } from "vitest";
import type { ResourceName } from "../kinds/resources.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";

const node = () => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "node01", labels: { "kubernetes.io/hostname": "node01" }, finalizers: ["a"] },
  spec: { taints: [{ key: "c", value: "d", effect: "NoExecute" }], unschedulable: true },
  status: {
    conditions: [
      { type: "Ready", status: "True" },
      { type: "MemoryPressure", status: "False" },
    ],
    addresses: [
      { type: "InternalIP", address: "10.0.0.1" },
      { type: "Hostname", address: "node01" },
    ],
  },
});

type Case = [string, ResourceName, () => unknown, unknown, (obj: any) => void];

const cases: Case[] = [
  [
    "kubectl taint add: the whole new taint list replaces the old one",
    "nodes",
    node,
    {
      spec: {
        taints: [
          { effect: "NoExecute", key: "c", value: "d" },
          { effect: "NoSchedule", key: "key", value: "value" },
        ],
      },
    },
    (n) =>
      expect(n.spec.taints).toEqual([
        { effect: "NoExecute", key: "c", value: "d" },
        { effect: "NoSchedule", key: "key", value: "value" },
      ]),
  ],
  [
    "kubectl taint remove of the last taint: taints null",
    "nodes",
    node,
    { spec: { taints: null } },
    (n) => {
      expect(n.spec).not.toHaveProperty("taints");
      expect(n.spec.unschedulable).toBe(true);
    },
  ],
  [
    "kubectl uncordon: unschedulable null deletes the field",
    "nodes",
    node,
    { spec: { unschedulable: null } },
    (n) => expect(n.spec).toEqual({ taints: [{ key: "c", value: "d", effect: "NoExecute" }] }),
  ],
  [
    "kubectl cordon: unschedulable true",
    "nodes",
    () => ({ ...node(), spec: {} }),
    { spec: { unschedulable: true } },
    (n) => expect(n.spec).toEqual({ unschedulable: true }),
  ],
  [
    "node conditions and addresses merge by type",
    "nodes",
    node,
    {
      status: {
        conditions: [{ type: "Ready", status: "False", reason: "KubeletNotReady" }],
        addresses: [{ type: "ExternalIP", address: "1.2.3.4" }],
      },
    },
    (n) => {
      expect(n.status.conditions).toEqual([
        { type: "Ready", status: "False", reason: "KubeletNotReady" },
        { type: "MemoryPressure", status: "False" },
      ]);
      expect(n.status.addresses.map((a: any) => a.type)).toEqual(["InternalIP", "Hostname", "ExternalIP"]);
    },
  ],
  [
    "finalizers merge as a set; $deleteFromPrimitiveList removes values",
    "nodes",
    node,
    { metadata: { finalizers: ["b"], "$deleteFromPrimitiveList/finalizers": ["a"] } },
    (n) => expect(n.metadata.finalizers).toEqual(["b"]),
  ],
  [
    "finalizers merge as a set: existing values are kept, duplicates are not added",
    "nodes",
    node,
    { metadata: { finalizers: ["a", "b"] } },
    (n) => expect(n.metadata.finalizers).toEqual(["a", "b"]),
  ],
  [
    "pod containers merge by name at spec.containers",
    "pods",
    () => ({
      metadata: { name: "p" },
      spec: {
        containers: [
          { name: "a", image: "1" },
          { name: "b", image: "2" },
        ],
      },
    }),
    { spec: { containers: [{ name: "b", image: "3" }] } },
    (p) =>
      expect(p.spec.containers).toEqual([
        { name: "a", image: "1" },
        { name: "b", image: "3" },
      ]),
  ],
  [
    "pod status conditions merge by type",
    "pods",
    () => ({
      metadata: { name: "p" },
      status: {
        conditions: [
          { type: "Ready", status: "True" },
          { type: "PodScheduled", status: "True" },
        ],
      },
    }),
    { status: { conditions: [{ type: "Ready", status: "False" }] } },
    (p) =>
      expect(p.status.conditions).toEqual([
        { type: "Ready", status: "False" },
        { type: "PodScheduled", status: "True" },
      ]),
  ],
  [
    "a list merge key outside its path is replaced (no containers field on a Node)",
    "nodes",
    () => ({ metadata: { name: "n" }, spec: { containers: [{ name: "a" }, { name: "b" }] } }),
    { spec: { containers: [{ name: "b", x: 1 }] } },
    (n) => expect(n.spec.containers).toEqual([{ name: "b", x: 1 }]),
  ],
  [
    "namespace labels merge and null deletes",
    "namespaces",
    () => ({ metadata: { name: "ns", labels: { a: "1", b: "2" } }, status: { phase: "Active" } }),
    { metadata: { labels: { a: null, c: "3" } } },
    (ns) => expect(ns.metadata.labels).toEqual({ b: "2", c: "3" }),
  ],
];

describe("strategic merge patch rules per kind", () => {
  it.each(cases)("%s", (_name, resource, make, patch, check) => {
    const input = make();
    check(applyStrategicMergePatch(input, patch, resource));
    expect(input).toEqual(make());
  });
});
