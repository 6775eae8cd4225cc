// Valid manifests of every kind a client writes, the seeds the fuzz mutates, and the objects
// the fuzz fixture holds (a node with a connected agent, a DaemonSet and its pods, an event).

import type { Json } from "./hostile-values.js";

export const FUZZ_NS = "fuzz";
export const FUZZ_NODE = "fuzz-a";
export const FUZZ_WS_NODE = "fuzz-ws";
export const FUZZ_DS = "fuzz";
export const FUZZ_EVENT = "fuzz-event";

export type Kind = "nodes" | "pods" | "daemonsets" | "namespaces" | "events";

export function nodeManifest(name: string): Json {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, tier: "edge" }, annotations: { note: "x" } },
    spec: { taints: [{ key: "dedicated", value: "infra", effect: "NoSchedule" }] },
  };
}

export function podManifest(name: string, node: string): Json {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: FUZZ_NS, labels: { app: FUZZ_DS } },
    spec: {
      nodeName: node,
      containers: [
        {
          name: "main",
          image: "everynode/web:test",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          env: [{ name: "A", value: "b" }],
          resources: { limits: { cpu: "100m", memory: "64Mi" } },
        },
      ],
      tolerations: [{ key: "dedicated", operator: "Exists" }],
    },
  };
}

export function daemonSetManifest(name: string): Json {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: FUZZ_NS, labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector: { "kubernetes.io/os": "linux" },
          tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
          containers: [
            {
              name: "main",
              image: "everynode/web:test",
              args: ["--port", "80"],
              ports: [{ containerPort: 80 }],
              readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  };
}

export function namespaceManifest(name: string): Json {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { team: "a" } } };
}

export function eventManifest(name: string, node: string): Json {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: FUZZ_NS },
    // Kubernetes wants an event about a cluster-scoped object in "default", or the namespace named here.
    involvedObject: { apiVersion: "v1", kind: "Node", name: node, uid: node, namespace: FUZZ_NS },
    reason: "Fuzzed",
    message: "an event",
    type: "Normal",
    count: 1,
    source: { component: "kubelet", host: node },
    firstTimestamp: "2026-01-01T00:00:00Z",
    lastTimestamp: "2026-01-01T00:00:00Z",
  };
}

/** The manifest of a kind with a name (pods are bound to the fuzz node). */
export function manifestOf(kind: Kind, name: string): Json {
  switch (kind) {
    case "nodes":
      return nodeManifest(name);
    case "pods":
      return podManifest(name, FUZZ_NODE);
    case "daemonsets":
      return daemonSetManifest(name);
    case "namespaces":
      return namespaceManifest(name);
    case "events":
      return eventManifest(name, FUZZ_NODE);
  }
}

/** Collection and item paths of a kind. */
export function collectionPath(kind: Kind): string {
  switch (kind) {
    case "nodes":
    case "namespaces":
      return `/api/v1/${kind}`;
    case "daemonsets":
      return `/apis/apps/v1/namespaces/${FUZZ_NS}/daemonsets`;
    default:
      return `/api/v1/namespaces/${FUZZ_NS}/${kind}`;
  }
}

export const KINDS: Kind[] = ["nodes", "pods", "daemonsets", "namespaces", "events"];
