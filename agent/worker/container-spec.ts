// Turns one container of a pod into the runtime's ContainerCreateSpec: name, labels,
// environment, command/args, ports, mounts and limits. Pure, so the mapping is testable
// without Docker.

import path from "node:path";
import type { Container, Pod } from "../../shared/api-types.js";
import {
  runtimeError,
  type BindMount,
  type ContainerCreateSpec,
  type PortBinding,
} from "../runtime/container-runtime.js";
import { buildLabels, containerName, containerSpecHash } from "../runtime/labels.js";
import { resolveProcess, type PodFacts } from "./env.js";
import { isMemoryEmptyDir, containerTmpfsMounts } from "./memory-volumes.js";
import { volumeOwnership } from "./fs-group.js";
import { nameResolution } from "./name-resolution.js";
import { securitySpec } from "./security-spec.js";
import { isConfigVolume } from "./volume-plan.js";

/** Where the kubelet keeps Localhost seccomp profiles; the agent's --seccomp-profile-root. */
export const DEFAULT_SECCOMP_ROOT = "/var/lib/kubelet/seccomp";
import { cpuToMillis, cpuToNanoCpus, memoryToBytes } from "../../shared/quantity.js";

/** The kubelet's CPU weight for a request: 1024 shares a core, at least 2 (the kernel's minimum). */
export function cpuShares(request: string | number): number {
  return Math.max(2, Math.floor((cpuToMillis(request) * 1024) / 1000));
}

export interface SpecContext extends PodFacts {
  /** The agent's data dir: emptyDir volumes live under it. */
  dataDir: string;
  restartCount: number;
  /** The id of the pod's sandbox, whose namespaces the container joins. */
  sandboxId?: string;
  /** The image's USER, for runAsGroup alone and the runAsNonRoot check ("" for root). */
  imageUser?: string;
  /** Where Localhost seccomp profiles live. */
  seccompRoot?: string;
  /** The pod's ServiceAccount token folder (pod-tokens.ts), when it gets one. */
  serviceAccountDir?: string;
}

// Until shared/quantity.ts exists: the two Kubernetes quantity forms limits use.
/** The directory backing an emptyDir volume of a pod. */
export function emptyDirPath(dataDir: string, podUid: string, volume: string): string {
  return path.join(dataDir, "pods", podUid, "volumes", volume);
}

/** Where every container of a pod finds its ServiceAccount's credentials (pod-tokens.ts). */
export const SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Docker's bind propagation for Kubernetes' mountPropagation. */
const PROPAGATION: Record<string, BindMount["propagation"]> = {
  HostToContainer: "rslave",
  Bidirectional: "rshared",
};

function binds(pod: Pod, container: Container, dataDir: string): BindMount[] {
  const out: BindMount[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.spec.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume) throw runtimeError(`volumeMount "${mount.name}" names no volume of the pod`, false);
    if (isMemoryEmptyDir(volume)) continue; // a tmpfs volume (memory-volumes.ts), not a bind
    let hostPath: string;
    let hostPathType: string;
    let readOnly = mount.readOnly === true;
    let emptyDir = false;
    if (volume.hostPath) {
      hostPath = volume.hostPath.path;
      hostPathType = volume.hostPath.type ?? "";
    } else if (volume.emptyDir || Object.keys(volume).every((k) => k === "name")) {
      hostPath = emptyDirPath(dataDir, pod.metadata.uid ?? "", volume.name);
      hostPathType = "DirectoryOrCreate";
      emptyDir = true;
    } else if (isConfigVolume(volume)) {
      // Written by config-volumes.ts before the container is made; always read-only, as on a kubelet.
      hostPath = emptyDirPath(dataDir, pod.metadata.uid ?? "", volume.name);
      hostPathType = "Directory";
      readOnly = true;
    } else {
      const kind = Object.keys(volume).find((k) => k !== "name") ?? "unknown";
      throw runtimeError(
        `volume "${volume.name}": everynode supports hostPath, emptyDir, configMap, secret, downwardAPI and projected, not ${kind}`,
        false,
      );
    }
    const bind: BindMount = {
      hostPath,
      containerPath: mount.mountPath,
      readOnly,
      hostPathType,
      volume: volume.name,
    };
    if (emptyDir) bind.emptyDir = true;
    // An emptyDir's folder is given to the fsGroup when made (config volumes when written).
    const ownership = volumeOwnership(pod, volume);
    if (ownership && !ownership.readOnly) bind.ownership = ownership;
    if (mount.subPath) {
      // The volume's type is checked at its root; the sub path may be a file or anything that
      // exists, and is made a directory only when missing, as the kubelet does.
      if (mount.subPath.split("/").includes(".."))
        throw runtimeError(`volumeMount "${mount.name}": subPath must not contain ".."`, false);
      bind.subPathOf = hostPath;
      bind.hostPath = path.join(hostPath, mount.subPath);
    }
    const propagation = PROPAGATION[String(mount.mountPropagation ?? "None")];
    if (propagation) bind.propagation = propagation;
    out.push(bind);
  }
  return out;
}

/** Adds the token mount, read-only, unless the container mounts something there itself (as on a kubelet). */
function withServiceAccount(out: BindMount[], dir: string | undefined): BindMount[] {
  if (!dir || out.some((b) => path.posix.normalize(b.containerPath) === SERVICE_ACCOUNT_MOUNT)) return out;
  return [
    ...out,
    { hostPath: dir, containerPath: SERVICE_ACCOUNT_MOUNT, readOnly: true, hostPathType: "Directory" },
  ];
}

/** The host ports a container asks for; the pod's sandbox publishes them all. */
export function ports(pod: Pod, container: Container): PortBinding[] {
  if (pod.spec.hostNetwork === true) return [];
  return (container.ports ?? [])
    .filter((p) => p.hostPort !== undefined && p.hostPort > 0)
    .map((p) => ({
      containerPort: p.containerPort,
      protocol: (p.protocol ?? "TCP").toLowerCase() as PortBinding["protocol"],
      hostPort: p.hostPort as number,
      hostIP: p.hostIP || "0.0.0.0",
    }));
}

/** The namespaces a container shares with its pod's sandbox, or with the host. */
function joinedNamespaces(
  pod: Pod,
  sandboxId: string,
): Pick<ContainerCreateSpec, "networkMode" | "ipcMode" | "pidMode"> {
  const sandbox = `container:${sandboxId}`;
  const out: Pick<ContainerCreateSpec, "networkMode" | "ipcMode" | "pidMode"> = {
    networkMode: pod.spec.hostNetwork === true ? "host" : sandbox,
    ipcMode: pod.spec.hostIPC === true ? "host" : sandbox,
  };
  if (pod.spec.hostPID === true) out.pidMode = "host";
  else if (pod.spec.shareProcessNamespace === true) out.pidMode = sandbox;
  return out;
}

/** The create spec of attempt `ctx.restartCount` of `container` in `pod`. */
export function buildCreateSpec(
  pod: Pod,
  container: Container,
  ctx: SpecContext,
): ContainerCreateSpec & { seccompFile?: string } {
  if (!container.image) throw runtimeError(`container "${container.name}" has no image`, false);
  const proc = resolveProcess(pod, container, ctx);
  const security = securitySpec(pod, container, ctx.imageUser ?? "", ctx.seccompRoot ?? DEFAULT_SECCOMP_ROOT);
  const spec: ContainerCreateSpec & { seccompFile?: string } = {
    name: containerName(pod, container, ctx.restartCount),
    image: container.image,
    labels: buildLabels(
      pod,
      container,
      ctx.nodeName,
      ctx.restartCount,
      containerSpecHash(pod, container),
      ctx.sandboxId,
    ),
    env: proc.env,
    ports: ctx.sandboxId ? [] : ports(pod, container),
    hostNetwork: pod.spec.hostNetwork === true,
    binds: withServiceAccount(binds(pod, container, ctx.dataDir), ctx.serviceAccountDir),
    init: true,
    ...security,
  };
  const tmpfs = containerTmpfsMounts(pod, container, ctx.nodeName);
  if (tmpfs.length > 0) spec.tmpfsVolumes = tmpfs;
  if (pod.spec.hostNetwork === true) Object.assign(spec, nameResolution(pod));
  if (ctx.sandboxId) Object.assign(spec, joinedNamespaces(pod, ctx.sandboxId));
  if (proc.command) spec.entrypoint = proc.command;
  if (proc.args) spec.cmd = proc.args;
  if (container.workingDir) spec.workingDir = container.workingDir;
  const cpu = container.resources?.limits?.cpu;
  if (cpu !== undefined) spec.nanoCpus = cpuToNanoCpus(cpu);
  // Kubernetes defaults a missing request to the limit.
  const request = container.resources?.requests?.cpu ?? cpu;
  if (request !== undefined) spec.cpuShares = cpuShares(request);
  const memory = container.resources?.limits?.memory;
  if (memory !== undefined) spec.memoryBytes = memoryToBytes(memory);
  return spec;
}
