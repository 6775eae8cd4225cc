import { describe, expect, it } from "vitest";
import type {
  ControllerRevision,
  DaemonSet,
  KubeEvent,
  KubeObject,
  Namespace,
  Node,
  Pod,
} from "../../../shared/api-types.js";
import type { ResourceName } from "../kinds/resources.js";
import { buildTable, type BuildTableOptions } from "./build-table.js";
import type { IncludeObject } from "./table-types.js";

const NOW = Date.parse("2026-12-01T11:24:22Z");
const CREATED = "2026-12-01T11:19:22Z"; // five minutes before NOW

const controlplane: Node = {
  apiVersion: "v1",
  kind: "Node",
  metadata: {
    name: "controlplane",
    uid: "8024923d",
    resourceVersion: "105",
    creationTimestamp: CREATED,
    labels: { "kubernetes.io/hostname": "controlplane", "node-role.kubernetes.io/control-plane": "" },
  },
  spec: { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] },
  status: {
    conditions: [{ type: "Ready", status: "True" }],
    addresses: [
      { type: "InternalIP", address: "172.18.0.2" },
      { type: "Hostname", address: "controlplane" },
    ],
    nodeInfo: {
      machineID: "m",
      systemUUID: "s",
      bootID: "b",
      kernelVersion: "6.1.0",
      osImage: "Debian GNU/Linux 12 (bookworm)",
      containerRuntimeVersion: "containerd://1.7.0",
      kubeletVersion: "v1.32.0",
      kubeProxyVersion: "v1.32.0",
      operatingSystem: "linux",
      architecture: "amd64",
    },
  },
};

const pod: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "nginx-49351",
    namespace: "default",
    creationTimestamp: CREATED,
    labels: { app: "nginx" },
  },
  spec: { nodeName: "node01", containers: [{ name: "nginx", image: "nginx" }] },
  status: {
    phase: "Running",
    podIP: "10.244.1.11",
    podIPs: [{ ip: "10.244.1.11" }],
    containerStatuses: [
      {
        name: "nginx",
        ready: true,
        restartCount: 0,
        image: "nginx",
        imageID: "",
        state: { running: { startedAt: CREATED } },
        lastState: {},
      },
    ],
  },
};

const daemonSet: DaemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "nginx", namespace: "default", creationTimestamp: CREATED, generation: 1 },
  spec: {
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: { containers: [{ name: "nginx", image: "nginx" }] },
    },
  },
  status: {
    currentNumberScheduled: 2,
    numberMisscheduled: 0,
    desiredNumberScheduled: 2,
    numberReady: 1,
    updatedNumberScheduled: 2,
    numberAvailable: 1,
    observedGeneration: 1,
  },
};

const namespace: Namespace = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "default", creationTimestamp: CREATED },
  status: { phase: "Active" },
};

const event: KubeEvent = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "worker-1.17f3", namespace: "default", creationTimestamp: CREATED },
  involvedObject: { kind: "Node", name: "worker-1", uid: "worker-1" },
  reason: "NodeNotReady",
  message: "Node worker-1 status is now: NodeNotReady\n",
  source: { component: "node-controller" },
  firstTimestamp: "2026-12-01T11:14:22Z",
  lastTimestamp: "2026-12-01T11:23:22Z",
  count: 3,
  type: "Normal",
};

const revision: ControllerRevision = {
  apiVersion: "apps/v1",
  kind: "ControllerRevision",
  metadata: {
    name: "nginx-6d4cf56db6",
    namespace: "default",
    creationTimestamp: CREATED,
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "DaemonSet", name: "nginx", uid: "u", controller: true },
    ],
  },
  data: {},
  revision: 2,
};

type Case = [ResourceName, KubeObject, [string, string, number][], (string | number)[]];

// Columns as [name, type, priority]; the expected row for the object.
const cases: Case[] = [
  [
    "nodes",
    controlplane,
    [
      ["Name", "string", 0],
      ["Status", "string", 0],
      ["Roles", "string", 0],
      ["Age", "string", 0],
      ["Version", "string", 0],
      ["Internal-IP", "string", 1],
      ["External-IP", "string", 1],
      ["OS-Image", "string", 1],
      ["Kernel-Version", "string", 1],
      ["Container-Runtime", "string", 1],
    ],
    [
      "controlplane",
      "Ready",
      "control-plane",
      "5m",
      "v1.32.0",
      "172.18.0.2",
      "<none>",
      "Debian GNU/Linux 12 (bookworm)",
      "6.1.0",
      "containerd://1.7.0",
    ],
  ],
  [
    "pods",
    pod,
    [
      ["Name", "string", 0],
      ["Ready", "string", 0],
      ["Status", "string", 0],
      ["Restarts", "string", 0],
      ["Age", "string", 0],
      ["IP", "string", 1],
      ["Node", "string", 1],
      ["Nominated Node", "string", 1],
      ["Readiness Gates", "string", 1],
    ],
    ["nginx-49351", "1/1", "Running", "0", "5m", "10.244.1.11", "node01", "<none>", "<none>"],
  ],
  [
    "daemonsets",
    daemonSet,
    [
      ["Name", "string", 0],
      ["Desired", "integer", 0],
      ["Current", "integer", 0],
      ["Ready", "integer", 0],
      ["Up-to-date", "integer", 0],
      ["Available", "integer", 0],
      ["Node Selector", "string", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ],
    ["nginx", 2, 2, 1, 2, 1, "<none>", "5m", "nginx", "nginx", "app=nginx"],
  ],
  [
    "namespaces",
    namespace,
    [
      ["Name", "string", 0],
      ["Status", "string", 0],
      ["Age", "string", 0],
    ],
    ["default", "Active", "5m"],
  ],
  [
    "events",
    event,
    [
      ["Last Seen", "string", 0],
      ["Type", "string", 0],
      ["Reason", "string", 0],
      ["Object", "string", 0],
      ["Subobject", "string", 1],
      ["Source", "string", 1],
      ["Message", "string", 0],
      ["First Seen", "string", 1],
      ["Count", "integer", 1],
      ["Name", "string", 1],
    ],
    [
      "60s",
      "Normal",
      "NodeNotReady",
      "node/worker-1",
      "",
      "node-controller",
      "Node worker-1 status is now: NodeNotReady",
      "10m",
      3,
      "worker-1.17f3",
    ],
  ],
  [
    "controllerrevisions",
    revision,
    [
      ["Name", "string", 0],
      ["Controller", "string", 0],
      ["Revision", "integer", 0],
      ["Age", "string", 0],
    ],
    ["nginx-6d4cf56db6", "daemonset.apps/nginx", 2, "5m"],
  ],
];

describe("buildTable", () => {
  it.each(cases)("%s: columns and a row", (resource, object, columns, row) => {
    const table = buildTable(resource, [object], { now: NOW, resourceVersion: "115" });
    expect(table.kind).toBe("Table");
    expect(table.apiVersion).toBe("meta.k8s.io/v1");
    expect(table.metadata).toEqual({ resourceVersion: "115" });
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.priority])).toEqual(columns);
    for (const c of table.columnDefinitions) {
      expect(c.format).toBe(c.name === "Name" ? "name" : "");
      expect(typeof c.description).toBe("string");
    }
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.cells).toEqual(row);
    expect(table.rows[0]?.object).toEqual({
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: object.metadata,
    });
  });

  it("keeps the row's namespace and labels for `get -A` and `--show-labels`", () => {
    const table = buildTable("pods", [pod], { now: NOW, resourceVersion: "1" });
    expect(table.rows[0]?.object?.metadata.namespace).toBe("default");
    expect(table.rows[0]?.object?.metadata.labels).toEqual({ app: "nginx" });
  });

  it.each<[IncludeObject | undefined, "v1" | "v1beta1" | undefined, unknown]>([
    [
      undefined,
      undefined,
      { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: pod.metadata },
    ],
    [
      "Metadata",
      "v1beta1",
      { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1beta1", metadata: pod.metadata },
    ],
    ["Object", "v1", pod],
    ["None", "v1", null],
  ])("includeObject=%s (Table %s): the row's object", (includeObject, version, want) => {
    const options: BuildTableOptions = { now: NOW, resourceVersion: "1" };
    if (includeObject) options.includeObject = includeObject;
    if (version) options.version = version;
    const table = buildTable("pods", [pod], options);
    expect(table.apiVersion).toBe(`meta.k8s.io/${version ?? "v1"}`);
    expect(table.rows[0]?.object).toEqual(want);
    // The cells do not depend on what the row carries.
    expect(table.rows[0]?.cells).toEqual(
      buildTable("pods", [pod], { now: NOW, resourceVersion: "1" }).rows[0]?.cells,
    );
  });

  it("keeps the JSON null Kubernetes sends for includeObject=None", () => {
    const table = buildTable("pods", [pod], { now: NOW, resourceVersion: "1", includeObject: "None" });
    expect(JSON.stringify(table.rows[0])).toContain('"object":null');
  });

  it("sets continue when a page follows, and gives an empty list no rows", () => {
    const table = buildTable("nodes", [], { now: NOW, resourceVersion: "9", continueToken: "abc" });
    expect(table.metadata).toEqual({ resourceVersion: "9", continue: "abc" });
    expect(table.rows).toEqual([]);
    expect(table.columnDefinitions).toHaveLength(10);
  });

  it("marks succeeded pods Completed, as the API server does", () => {
    const done: Pod = { ...pod, status: { phase: "Succeeded" } };
    const table = buildTable("pods", [done], { now: NOW, resourceVersion: "1" });
    expect(table.rows[0]?.conditions?.[0]).toMatchObject({
      type: "Completed",
      status: "True",
      reason: "Succeeded",
    });
  });
});
