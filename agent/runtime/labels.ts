// The labels that make Docker the agent's database: each container says which pod,
// container, node and attempt it is, and the hash of the spec it was made from. Several
// agents may share one daemon, so each one only looks at containers labelled with its node.

import { createHash } from "node:crypto";
import type { Container, Pod } from "../../shared/api-types.js";

const P = "io.everynode.";

/** The label keys everynode puts on the containers it runs. */
export const LABELS = {
  managed: `${P}managed`,
  podUid: `${P}pod.uid`,
  podNamespace: `${P}pod.namespace`,
  podName: `${P}pod.name`,
  container: `${P}container.name`,
  node: `${P}node`,
  daemonSet: `${P}daemonset`,
  revision: `${P}revision`,
  restartCount: `${P}restart-count`,
  specHash: `${P}spec-hash`,
  /** The pod's grace period, so that an orphan is stopped as gently as its pod asked. */
  grace: `${P}termination-grace`,
  /** On a pod's containers: the id of the sandbox whose namespaces they joined. */
  sandbox: `${P}sandbox`,
} as const;

/**
 * The container name that marks a pod's sandbox (the container holding its network, IPC and
 * PID namespaces). Upper case, so no container of a pod (a DNS label) can be called so.
 */
export const SANDBOX = "POD";

/** What a managed container's labels say about it. */
export interface ContainerIdentity {
  podUid: string;
  podNamespace: string;
  podName: string;
  container: string;
  node: string;
  daemonSet?: string;
  revision?: string;
  restartCount: number;
  specHash: string;
  graceSeconds: number;
  /** The sandbox a pod's container joined (unset on the sandbox itself). */
  sandbox?: string;
}

/** The label filter that selects this node's containers. */
export function nodeFilter(nodeName: string): Record<string, string> {
  return { [LABELS.managed]: "true", [LABELS.node]: nodeName };
}

/** Default grace period, as Kubernetes defaults terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30;

/** The labels of attempt `restartCount` of one container of a pod. */
export function buildLabels(
  pod: Pod,
  container: Container,
  nodeName: string,
  restartCount: number,
  specHash: string,
  sandboxId?: string,
): Record<string, string> {
  const labels: Record<string, string> = {
    [LABELS.managed]: "true",
    [LABELS.podUid]: pod.metadata.uid ?? "",
    [LABELS.podNamespace]: pod.metadata.namespace ?? "default",
    [LABELS.podName]: pod.metadata.name ?? "",
    [LABELS.container]: container.name,
    [LABELS.node]: nodeName,
    [LABELS.restartCount]: String(restartCount),
    [LABELS.specHash]: specHash,
    [LABELS.grace]: String(pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS),
  };
  if (sandboxId) labels[LABELS.sandbox] = sandboxId;
  const owner = pod.metadata.ownerReferences?.find((o) => o.kind === "DaemonSet");
  if (owner) labels[LABELS.daemonSet] = owner.name;
  const hash = pod.metadata.labels?.["controller-revision-hash"];
  if (hash) labels[LABELS.revision] = hash;
  return labels;
}

/** Reads a container's labels; undefined for a container everynode does not manage. */
export function parseLabels(labels: Record<string, string>): ContainerIdentity | undefined {
  if (labels[LABELS.managed] !== "true") return undefined;
  const podUid = labels[LABELS.podUid];
  const container = labels[LABELS.container];
  const node = labels[LABELS.node];
  if (!podUid || !container || !node) return undefined;
  const count = Number(labels[LABELS.restartCount] ?? "0");
  const grace = Number(labels[LABELS.grace] ?? String(DEFAULT_GRACE_SECONDS));
  const id: ContainerIdentity = {
    podUid,
    podNamespace: labels[LABELS.podNamespace] ?? "default",
    podName: labels[LABELS.podName] ?? "",
    container,
    node,
    restartCount: Number.isInteger(count) && count >= 0 ? count : 0,
    specHash: labels[LABELS.specHash] ?? "",
    graceSeconds: Number.isFinite(grace) && grace >= 0 ? grace : DEFAULT_GRACE_SECONDS,
  };
  const ds = labels[LABELS.daemonSet];
  if (ds) id.daemonSet = ds;
  const rev = labels[LABELS.revision];
  if (rev) id.revision = rev;
  const sandbox = labels[LABELS.sandbox];
  if (sandbox) id.sandbox = sandbox;
  return id;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * The hash of everything that shapes one container: its own spec plus the pod fields it
 * depends on (network mode, the volumes it mounts). A different hash means "replace it".
 */
export function containerSpecHash(pod: Pod, container: Container): string {
  const mounted = new Set((container.volumeMounts ?? []).map((m) => m.name));
  const input = {
    container,
    hostNetwork: pod.spec.hostNetwork === true,
    volumes: (pod.spec.volumes ?? []).filter((v) => mounted.has(v.name)),
  };
  return createHash("sha256").update(stableJson(input)).digest("hex").slice(0, 16);
}

/**
 * The hash of what shapes a pod's sandbox: its namespaces and the host ports it publishes
 * for all the pod's containers. A different hash means a new sandbox (and so new containers).
 */
export function sandboxSpecHash(pod: Pod): string {
  const s = pod.spec;
  const input = {
    hostNetwork: s.hostNetwork === true,
    hostIPC: s.hostIPC === true,
    hostPID: s.hostPID === true,
    shareProcessNamespace: s.shareProcessNamespace === true,
    ports: s.containers.flatMap((c) => (c.ports ?? []).filter((p) => (p.hostPort ?? 0) > 0)),
    dnsPolicy: s.dnsPolicy,
    dnsConfig: s.dnsConfig,
    hostAliases: s.hostAliases,
  };
  return createHash("sha256").update(stableJson(input)).digest("hex").slice(0, 16);
}

/** Docker names must be unique per daemon: pod uid and attempt make them so. */
export function containerName(pod: Pod, container: Container, restartCount: number): string {
  const clean = (s: string): string => s.replace(/[^a-zA-Z0-9_.-]/g, "-");
  const ns = pod.metadata.namespace ?? "default";
  return `everynode_${clean(container.name)}_${clean(pod.metadata.name ?? "")}_${clean(ns)}_${clean(pod.metadata.uid ?? "")}_${restartCount}`;
}
