import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyDaemonSetDefaults } from "../defaults.js";
import { APISERVER_DAEMONSET, tutorialDaemonSet, validManifests } from "../validation/test-manifests.js";
import { REGISTRY } from "../kinds/index.js";
import {
  compileFieldTree,
  dropUnknownFields,
  findUnknownFields,
  MAX_DEPTH,
  unknownFieldsOf,
} from "./known-fields.js";

type Loose = Record<string, any>;
const unknown = (resource: string, body: unknown) => {
  const result = unknownFieldsOf(REGISTRY, resource, body);
  expect(result.tooDeep).toBe(false);
  return result.paths;
};

describe("unknown fields of DaemonSets, Pods, Nodes, Namespaces and Events", () => {
  it.each(validManifests())("%s has none", (_name, ds) => {
    expect(unknown("daemonsets", ds)).toEqual([]);
    expect(unknown("daemonsets", applyDaemonSetDefaults(ds))).toEqual([]);
  });

  it("a DaemonSet as a real apiserver returns it has none", () => {
    expect(unknown("daemonsets", APISERVER_DAEMONSET)).toEqual([]);
  });

  it.each<[string, (ds: Loose) => void, string[]]>([
    ["spec.foo", (ds) => (ds.spec.foo = 1), ["spec.foo"]],
    [
      "a typo in a container",
      (ds) => (ds.spec.template.spec.containers[0].imagePolicy = "Always"),
      ["spec.template.spec.containers[0].imagePolicy"],
    ],
    [
      "a typo in a port",
      (ds) => (ds.spec.template.spec.containers[0].ports[0].port = 80),
      ["spec.template.spec.containers[0].ports[0].port"],
    ],
    [
      "toleration typo",
      (ds) => (ds.spec.template.spec.tolerations = [{ key: "k", operater: "Exists" }]),
      ["spec.template.spec.tolerations[0].operater"],
    ],
    ["top-level typo", (ds) => (ds.metdata = {}), ["metdata"]],
    ["metadata typo", (ds) => (ds.metadata.label = { a: "b" }), ["metadata.label"]],
    [
      "strategy typo",
      (ds) => (ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavaliable: 1 } }),
      ["spec.updateStrategy.rollingUpdate.maxUnavaliable"],
    ],
    [
      "two typos",
      (ds) => {
        ds.spec.template.spec.nodeSelecter = {};
        ds.spec.template.spec.containers[0].resources = { limit: { cpu: "1" } };
      },
      ["spec.template.spec.containers[0].resources.limit", "spec.template.spec.nodeSelecter"],
    ],
  ])("%s is reported", (_name, change, expected) => {
    const ds = tutorialDaemonSet() as unknown as Loose;
    change(ds);
    expect(unknown("daemonsets", ds).sort()).toEqual(expected.sort());
  });

  it("allows any key in map fields", () => {
    const ds = tutorialDaemonSet() as unknown as Loose;
    ds.metadata.labels = { "anything.example.com/x": "y" };
    ds.metadata.annotations = { "kubectl.kubernetes.io/last-applied-configuration": "{}" };
    ds.spec.template.spec.nodeSelector = { "weird/key": "v" };
    ds.spec.template.spec.containers[0].resources = { limits: { "nvidia.com/gpu": 1 } };
    expect(unknown("daemonsets", ds)).toEqual([]);
  });

  it.each([
    [
      "nodes",
      `
apiVersion: v1
kind: Node
metadata: {name: worker-1, labels: {kubernetes.io/hostname: worker-1}}
spec:
  taints: [{key: k, value: v, effect: NoSchedule, timeAdded: "2026-12-01T00:00:00Z"}]
  unschedulable: true
  podCIDR: 10.0.0.0/24
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  allocatable: {cpu: "4"}
  conditions: [{type: Ready, status: "True", lastHeartbeatTime: x, lastTransitionTime: x, reason: KubeletReady, message: ok}]
  addresses: [{type: InternalIP, address: 10.0.0.5}]
  daemonEndpoints: {kubeletEndpoint: {Port: 10250}}
  nodeInfo: {machineID: m, systemUUID: s, bootID: b, kernelVersion: k, osImage: o, containerRuntimeVersion: docker://27, kubeletVersion: v1, kubeProxyVersion: v1, operatingSystem: linux, architecture: amd64}
`,
      [],
    ],
    ["nodes", "metadata: {name: n}\nspec: {taint: []}", ["spec.taint"]],
    ["namespaces", "metadata: {name: a}\nspec: {finalizers: [kubernetes]}\nstatus: {phase: Active}", []],
    ["namespaces", "metadata: {name: a}\nspec: {finalizer: []}", ["spec.finalizer"]],
    [
      "pods",
      `
metadata: {name: p, namespace: default}
spec: {nodeName: n1, containers: [{name: c, image: i}]}
status:
  phase: Running
  hostIP: 10.0.0.5
  podIPs: [{ip: 10.0.0.5}]
  containerStatuses:
  - {name: c, ready: true, restartCount: 0, image: i, imageID: x, started: true, state: {running: {startedAt: t}}, lastState: {}}
`,
      [],
    ],
    [
      "pods",
      "metadata: {name: p}\nstatus: {containerStatuses: [{name: c, restarts: 1}]}",
      ["status.containerStatuses[0].restarts"],
    ],
    // Upstream's Event schema knows no `anything` (before the registry, events went unchecked).
    ["events", "metadata: {name: e}\nanything: 1", ["anything"]],
  ])("%s %#", (resource, text, expected) => {
    expect(unknown(resource, parse(text))).toEqual(expected);
  });

  it("an Event as the event recorder writes it has none", () => {
    const event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "web-x.1", namespace: "default" },
      involvedObject: { kind: "Pod", namespace: "default", name: "web-x", uid: "u", apiVersion: "v1" },
      reason: "Pulled",
      message: "pulled",
      source: { component: "everynode-agent", host: "n1" },
      firstTimestamp: "2026-01-01T00:00:00Z",
      lastTimestamp: "2026-01-01T00:00:00Z",
      eventTime: null,
      count: 1,
      type: "Normal",
      reportingComponent: "everynode-agent",
      reportingInstance: "n1",
    };
    expect(unknown("events", event)).toEqual([]);
  });
});

describe("hostile bodies", () => {
  it("reports prototype names as unknown fields, anywhere", () => {
    const body = JSON.parse(
      `{"__proto__": {"polluted": 1}, "constructor": {}, "toString": 1, "hasOwnProperty": 1,
        "metadata": {"name": "x", "__proto__": 1, "labels": {"__proto__": "ok", "constructor": "ok"}},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "valueOf": 1, "__proto__": []}]}}}}`,
    );
    expect(unknown("daemonsets", body).sort()).toEqual(
      [
        "__proto__",
        "constructor",
        "toString",
        "hasOwnProperty",
        "metadata.__proto__",
        "spec.template.spec.containers[0].valueOf",
        "spec.template.spec.containers[0].__proto__",
      ].sort(),
    );
    expect(({} as Loose)["polluted"]).toBeUndefined();
  });

  it.each([
    [
      "a free-form field",
      (deep: unknown) => ({ spec: { template: { spec: { volumes: [{ name: "v", rbd: deep }] } } } }),
    ],
    ["an unknown field", (deep: unknown) => ({ spec: { nested: deep } })],
    [
      "a string list",
      (deep: unknown) => ({ spec: { template: { spec: { containers: [{ command: deep }] } } } }),
    ],
    ["a map", (deep: unknown) => ({ metadata: { labels: { a: deep } } })],
  ])("a body nested 3,000 deep in %s does not overflow", (_name, place) => {
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i++) deep = i % 2 ? { a: deep } : [deep];
    expect(() => unknownFieldsOf(REGISTRY, "daemonsets", place(deep))).not.toThrow();
  });

  it("stops and says so where a self-containing schema meets a body deeper than MAX_DEPTH", () => {
    const defs = {
      Node: { type: "object", properties: { child: { $ref: "#/definitions/Node" }, n: { type: "integer" } } },
    };
    const tree = compileFieldTree(defs, { $ref: "#/definitions/Node" });
    let body: Loose = { n: 1, typo: 1 };
    for (let i = 0; i < 3000; i++) body = { child: body };
    const result = findUnknownFields(tree, body);
    expect(result.tooDeep).toBe(true);
    expect(result.paths).toEqual([]);
    let shallow: Loose = { typo: 1 };
    for (let i = 0; i < MAX_DEPTH - 1; i++) shallow = { child: shallow };
    expect(findUnknownFields(tree, shallow)).toEqual({
      paths: [`${"child.".repeat(MAX_DEPTH - 1)}typo`],
      tooDeep: false,
    });
  });

  it("does not look into values of the wrong type", () => {
    expect(unknown("daemonsets", { spec: "text", metadata: [1, 2], status: null })).toEqual([]);
    expect(unknown("daemonsets", [{ spec: { foo: 1 } }])).toEqual([]);
  });
});

describe("dropUnknownFields", () => {
  it("removes what unknownFieldsOf reports, in place, and says which", () => {
    const ds = tutorialDaemonSet() as unknown as Loose;
    ds.spec.foo = 1;
    ds.spec.template.spec.containers[0].imagePolicy = "Always";
    // As JSON.parse makes it: an own key (an assignment would set the prototype).
    Object.defineProperty(ds.metadata, "__proto__", {
      value: { x: 1 },
      enumerable: true,
      configurable: true,
    });
    const dropped = dropUnknownFields(REGISTRY, "daemonsets", ds);
    expect(dropped.paths.sort()).toEqual(
      ["metadata.__proto__", "spec.foo", "spec.template.spec.containers[0].imagePolicy"].sort(),
    );
    expect(dropped.tooDeep).toBe(false);
    expect(ds).toEqual(tutorialDaemonSet());
    expect(unknown("daemonsets", ds)).toEqual([]);
  });

  it("keeps what maps, free-form fields and known fields hold", () => {
    const ds = tutorialDaemonSet() as unknown as Loose;
    ds.metadata.labels = { constructor: "x" };
    ds.metadata.managedFields = [{ manager: "kubectl", fieldsV1: { "f:spec": {} } }];
    const before = structuredClone(ds);
    expect(dropUnknownFields(REGISTRY, "daemonsets", ds).paths).toEqual([]);
    expect(ds).toEqual(before);
  });

  it("says where a self-containing schema met a body too deep to walk", () => {
    const defs = { Node: { type: "object", properties: { child: { $ref: "#/definitions/Node" } } } };
    const tree = compileFieldTree(defs, { $ref: "#/definitions/Node" });
    let body: Loose = { typo: 1 };
    for (let i = 0; i < MAX_DEPTH + 5; i++) body = { child: body };
    expect(findUnknownFields(tree, body)).toEqual({
      paths: [],
      tooDeep: true,
      tooDeepAt: "child".concat(".child".repeat(MAX_DEPTH)),
    });
  });
});
