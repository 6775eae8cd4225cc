import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dropUnknownFields, unknownFields } from "./known-fields.js";
import { applyDaemonSetDefaults } from "./defaults.js";
import { APISERVER_DAEMONSET, tutorialDaemonSet, validManifests } from "./validation/test-manifests.js";

// Test bodies are free-form JSON that the cases edit at any depth.

type Loose = Record<string, any>;

describe("unknownFields", () => {
  it.each(validManifests())("%s has none", (_name, ds) => {
    expect(unknownFields("daemonsets", ds)).toEqual([]);
    expect(unknownFields("daemonsets", applyDaemonSetDefaults(ds))).toEqual([]);
  });

  it("a DaemonSet as a real apiserver returns it has none", () => {
    expect(unknownFields("daemonsets", APISERVER_DAEMONSET)).toEqual([]);
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
    expect(unknownFields("daemonsets", ds).sort()).toEqual(expected.sort());
  });

  it("allows any key in map fields", () => {
    const ds = tutorialDaemonSet() as unknown as Loose;
    ds.metadata.labels = { "anything.example.com/x": "y" };
    ds.metadata.annotations = { "kubectl.kubernetes.io/last-applied-configuration": "{}" };
    ds.spec.template.spec.nodeSelector = { "weird/key": "v" };
    ds.spec.template.spec.containers[0].resources = { limits: { "nvidia.com/gpu": 1 } };
    expect(unknownFields("daemonsets", ds)).toEqual([]);
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
    ["events", "metadata: {name: e}\nanything: 1", []],
  ])("%s %#", (resource, text, expected) => {
    expect(unknownFields(resource as "nodes", parse(text))).toEqual(expected);
  });
});

describe("prototype keys", () => {
  it.each<[string, string, string[]]>([
    ["constructor in spec", '{"spec":{"constructor":{"a":1}}}', ["spec.constructor"]],
    ["toString in metadata", '{"metadata":{"toString":"x"}}', ["metadata.toString"]],
    ["__proto__ in metadata", '{"metadata":{"__proto__":{"x":1}}}', ["metadata.__proto__"]],
    ["__proto__ at the top", '{"__proto__":{"spec":{}}}', ["__proto__"]],
    [
      "hasOwnProperty in a container",
      '{"spec":{"template":{"spec":{"containers":[{"hasOwnProperty":1}]}}}}',
      ["spec.template.spec.containers[0].hasOwnProperty"],
    ],
  ])("%s is an unknown field, not a crash", (_name, json, expected) => {
    expect(unknownFields("daemonsets", JSON.parse(json))).toEqual(expected);
  });

  it("keeps prototype keys inside map fields, where any key is allowed", () => {
    const ds = JSON.parse('{"metadata":{"labels":{"constructor":"x","__proto__":"y"}}}');
    expect(unknownFields("daemonsets", ds)).toEqual([]);
  });
});

describe("dropUnknownFields", () => {
  it("removes what unknownFields reports, in place, and returns it", () => {
    const ds = tutorialDaemonSet() as unknown as Loose;
    ds.spec.foo = 1;
    ds.spec.template.spec.containers[0].imagePolicy = "Always";
    // As JSON.parse makes it: an own key (an assignment would set the prototype).
    Object.defineProperty(ds.metadata, "__proto__", {
      value: { x: 1 },
      enumerable: true,
      configurable: true,
    });
    expect(dropUnknownFields("daemonsets", ds).sort()).toEqual(
      ["metadata.__proto__", "spec.foo", "spec.template.spec.containers[0].imagePolicy"].sort(),
    );
    expect(ds).toEqual(tutorialDaemonSet());
    expect(unknownFields("daemonsets", ds)).toEqual([]);
  });

  it("leaves free-form types alone", () => {
    const event = { metadata: { name: "e" }, anything: 1 };
    expect(dropUnknownFields("events", event)).toEqual([]);
    expect(event.anything).toBe(1);
  });
});
