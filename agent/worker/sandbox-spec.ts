// The create spec of a pod's sandbox: the pause container that holds the pod's network, IPC
// (and, with shareProcessNamespace, PID) namespaces, publishes its host ports and carries
// its host name. The pod's containers join it (container-spec.ts). Pure.

import type { Pod } from "../../shared/api-types.js";
import type { ContainerCreateSpec } from "../runtime/container-runtime.js";
import { buildLabels, containerName, LABELS, SANDBOX, sandboxSpecHash } from "../runtime/labels.js";
import { ports } from "./container-spec.js";
import { sandboxTmpfsMounts } from "./memory-volumes.js";
import { nameResolution } from "./name-resolution.js";

/** The pod's host name, as the kubelet sets it: the pod's name, cut to a DNS label. */
export function podHostname(pod: Pod): string {
  return (pod.metadata.name ?? "pod").slice(0, 63).replace(/[-.]+$/, "");
}

/** The sandbox of `pod`, attempt `attempt`, from the pause image `image`. */
export function buildSandboxSpec(
  pod: Pod,
  nodeName: string,
  image: string,
  attempt: number,
): ContainerCreateSpec {
  const self = { name: SANDBOX };
  const hostNetwork = pod.spec.hostNetwork === true;
  const labels = buildLabels(pod, self, nodeName, attempt, sandboxSpecHash(pod));
  // Without its DaemonSet's name: `docker ps --filter label=io.everynode.daemonset=NAME` lists
  // the workload's containers; the pod uid label still finds the sandbox.
  delete labels[LABELS.daemonSet];
  delete labels[LABELS.revision];
  const spec: ContainerCreateSpec = {
    name: containerName(pod, self, attempt),
    image,
    labels,
    env: [],
    ports: hostNetwork ? [] : pod.spec.containers.flatMap((c) => ports(pod, c)),
    hostNetwork,
    binds: [],
    privileged: false,
    // Docker's init is the sandbox's PID 1: it reaps a shared PID namespace's orphans.
    init: true,
    ipcMode: pod.spec.hostIPC === true ? "host" : "shareable",
  };
  if (pod.spec.hostPID === true) spec.pidMode = "host";
  const tmpfs = sandboxTmpfsMounts(pod, nodeName);
  if (tmpfs.length > 0) spec.tmpfsVolumes = tmpfs;
  Object.assign(spec, nameResolution(pod));
  if (!hostNetwork) spec.hostname = podHostname(pod);
  return spec;
}
