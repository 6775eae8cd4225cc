// Realistic objects for the describe tests: a tainted control-plane node, the tutorial's
// DaemonSet with status, and one of its running pods.

import type { DaemonSet, KubeEvent, Node, Pod } from "../../shared/api-types.js";

export const NOW = Date.parse("2026-12-01T12:00:00Z");

export const masterNode: Node = {
  apiVersion: "v1",
  kind: "Node",
  metadata: {
    name: "master",
    uid: "u-master",
    creationTimestamp: "2026-12-01T11:00:00Z",
    labels: {
      "kubernetes.io/hostname": "master",
      "kubernetes.io/os": "linux",
      "node-role.kubernetes.io/control-plane": "",
    },
    annotations: { "node.alpha.kubernetes.io/ttl": "0" },
  },
  spec: { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] },
  status: {
    capacity: { cpu: "2", memory: "4028704Ki", pods: "110" },
    allocatable: { cpu: "2", memory: "4028704Ki", pods: "110" },
    conditions: [
      {
        type: "Ready",
        status: "True",
        lastHeartbeatTime: "2026-12-01T11:59:50Z",
        lastTransitionTime: "2026-12-01T11:00:10Z",
        reason: "AgentReady",
        message: "everynode agent is posting ready status",
      },
    ],
    addresses: [
      { type: "InternalIP", address: "172.18.0.2" },
      { type: "Hostname", address: "master" },
    ],
    nodeInfo: {
      machineID: "m1",
      systemUUID: "s1",
      bootID: "b1",
      kernelVersion: "6.1.0",
      osImage: "Debian GNU/Linux 12 (bookworm)",
      containerRuntimeVersion: "docker://27.0.0",
      kubeletVersion: "v1.32.0-everynode.0.1.0",
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: "amd64",
    },
  },
};

export const nginxDaemonSet: DaemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: {
    name: "nginx",
    namespace: "default",
    uid: "u-ds",
    generation: 1,
    creationTimestamp: "2026-12-01T11:50:00Z",
    annotations: {
      "deprecated.daemonset.template.generation": "1",
      "kubectl.kubernetes.io/last-applied-configuration": "{}\n",
    },
  },
  spec: {
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: {
        containers: [
          {
            name: "nginx",
            image: "nginx",
            ports: [{ containerPort: 80, protocol: "TCP" }],
            env: [
              { name: "NODE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } } },
            ],
            volumeMounts: [{ name: "logs", mountPath: "/var/log/nginx" }],
          },
        ],
        volumes: [{ name: "logs", hostPath: { path: "/var/log/nginx", type: "" } }],
        tolerations: [
          { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
        ],
      },
    },
    updateStrategy: { type: "RollingUpdate" },
  },
  status: {
    desiredNumberScheduled: 3,
    currentNumberScheduled: 3,
    numberReady: 2,
    updatedNumberScheduled: 3,
    numberAvailable: 2,
    numberMisscheduled: 0,
    observedGeneration: 1,
  },
};

export const nginxPod: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "nginx-abcde",
    namespace: "default",
    uid: "u-pod",
    creationTimestamp: "2026-12-01T11:50:01Z",
    labels: { app: "nginx", "controller-revision-hash": "6d5f7b9c8", "pod-template-generation": "1" },
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "DaemonSet", name: "nginx", uid: "u-ds", controller: true },
    ],
  },
  spec: {
    nodeName: "master",
    containers: nginxDaemonSet.spec.template.spec.containers,
    volumes: nginxDaemonSet.spec.template.spec.volumes,
    tolerations: [
      { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    ],
  },
  status: {
    phase: "Running",
    hostIP: "172.18.0.2",
    podIP: "172.17.0.5",
    podIPs: [{ ip: "172.17.0.5" }],
    startTime: "2026-12-01T11:50:01Z",
    conditions: [
      { type: "Initialized", status: "True" },
      { type: "Ready", status: "True" },
    ],
    containerStatuses: [
      {
        name: "nginx",
        state: { running: { startedAt: "2026-12-01T11:50:03Z" } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: "nginx",
        imageID: "docker-pullable://nginx@sha256:abc",
        containerID: "docker://0123456789ab",
      },
    ],
  },
};

export const scheduledEvent: KubeEvent = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "nginx.1", namespace: "default" },
  involvedObject: { kind: "DaemonSet", name: "nginx", namespace: "default", uid: "u-ds" },
  reason: "SuccessfulCreate",
  message: "Created pod: nginx-abcde",
  source: { component: "daemonset-controller" },
  firstTimestamp: "2026-12-01T11:50:00Z",
  lastTimestamp: "2026-12-01T11:50:00Z",
  count: 1,
  type: "Normal",
};
