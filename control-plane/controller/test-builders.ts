// Object builders for the controller's tests (unit tests here and the tests in
// test/controller/): a node, a DaemonSet, a daemon pod, with only what a case needs.

import type { DaemonSet, Node, Pod, PodSpec, Taint } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { GENERATION_LABEL, HASH_LABEL } from "./pod-utils.js";

/** A Ready node with labels and taints. */
export function node(
  name: string,
  options: { labels?: Record<string, string>; taints?: Taint[] } = {},
): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...options.labels } },
    spec: options.taints ? { taints: options.taints } : {},
    status: { conditions: [{ type: "Ready", status: "True" }] },
  };
}

/** A DaemonSet `web` in `default` with the given pod spec additions and DaemonSet spec fields. */
export function daemonSet(
  podSpec: Partial<PodSpec> = {},
  fields: Partial<DaemonSet["spec"]> & { name?: string; uid?: string; generation?: number } = {},
): DaemonSet {
  const { name = "web", uid = "ds-uid-1", generation = 1, ...spec } = fields;
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default", uid, generation },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "web", image: "everynode/web:test" }], ...podSpec },
      },
      ...spec,
    },
  };
}

/** A daemon pod of `ds-uid-1` on a node, with a phase, readiness and template hash. */
export function daemonPod(
  name: string,
  nodeName: string,
  options: {
    hash?: string;
    generation?: number;
    ready?: boolean;
    readySince?: number;
    phase?: "Pending" | "Running" | "Failed" | "Succeeded";
    created?: number;
    terminating?: boolean;
    ownerUid?: string;
  } = {},
): Pod {
  const labels: Record<string, string> = { app: "web", [HASH_LABEL]: options.hash ?? "old" };
  if (options.generation !== undefined) labels[GENERATION_LABEL] = String(options.generation);
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      labels,
      creationTimestamp: rfc3339(options.created ?? Date.UTC(2026, 0, 1)),
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          name: "web",
          uid: options.ownerUid ?? "ds-uid-1",
          controller: true,
        },
      ],
    },
    spec: { containers: [{ name: "web" }], nodeName },
    status: {
      phase: options.phase ?? "Running",
      conditions: [
        {
          type: "Ready",
          status: options.ready === false ? "False" : "True",
          lastTransitionTime: rfc3339(options.readySince ?? Date.UTC(2026, 0, 1)),
        },
      ],
    },
  };
  if (options.terminating) pod.metadata.deletionTimestamp = rfc3339(Date.UTC(2026, 0, 1));
  return pod;
}
