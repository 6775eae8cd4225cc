// emptyDir volumes with `medium: Memory`: a tmpfs per pod volume, as the kubelet mounts one.
// Each is an engine volume on a tmpfs (the engine mounts it; the agent needs no mount
// privilege of its own), mounted by the pod's sandbox as well as its containers, so that its
// files outlive a container's restart and are shared by the pod's containers. Its size is the
// kubelet's: the sizeLimit, capped by the pod's memory limit, else the node's memory. Pure.

import os from "node:os";
import type { Container, Pod, Volume } from "../../shared/api-types.js";
import { memoryToBytes } from "../../shared/quantity.js";
import { runtimeError, type TmpfsVolumeMount } from "../runtime/container-runtime.js";
import { LABELS } from "../runtime/labels.js";
import { ownedMode, volumeOwnership } from "./fs-group.js";

/** Where the sandbox holds each memory volume (nothing reads it there). */
const SANDBOX_MOUNT_ROOT = "/.everynode/volumes";
/** A fresh tmpfs root's mode. */
const TMPFS_MODE = 0o1777;

export function isMemoryEmptyDir(v: Volume): boolean {
  return v.emptyDir?.["medium"] === "Memory";
}

/** The engine volume of one pod volume. */
export function memoryVolumeName(podUid: string, volume: string): string {
  return `everynode-${podUid}-${volume}`;
}

/** The pod's memory limit when every container has one (the pod is then bounded), else undefined. */
function podMemoryLimit(pod: Pod): number | undefined {
  let sum = 0;
  for (const c of pod.spec.containers) {
    const limit = c.resources?.limits?.["memory"];
    if (limit === undefined) return undefined;
    sum += memoryToBytes(limit);
  }
  return sum > 0 ? sum : undefined;
}

/** The tmpfs size of a memory emptyDir: sizeLimit, at most the pod's memory limit, else the node's memory. */
export function tmpfsBytes(pod: Pod, volume: Volume, nodeMemoryBytes: number): number {
  let size = podMemoryLimit(pod) ?? nodeMemoryBytes;
  const limit = volume.emptyDir?.["sizeLimit"];
  if (typeof limit === "string" || typeof limit === "number") {
    const bytes = memoryToBytes(limit);
    if (bytes > 0 && bytes < size) size = bytes;
  }
  return size;
}

function mountOf(
  pod: Pod,
  volume: Volume,
  nodeName: string,
  nodeMemoryBytes: number,
  at: string,
  readOnly: boolean,
): TmpfsVolumeMount {
  const uid = pod.metadata.uid ?? "";
  const owner = volumeOwnership(pod, volume);
  return {
    ...(owner ? { ownership: { gid: owner.gid, mode: ownedMode(TMPFS_MODE, true, owner) } } : {}),
    volume: memoryVolumeName(uid, volume.name),
    containerPath: at,
    readOnly,
    sizeBytes: tmpfsBytes(pod, volume, nodeMemoryBytes),
    labels: {
      [LABELS.managed]: "true",
      [LABELS.node]: nodeName,
      [LABELS.podUid]: uid,
      [LABELS.podNamespace]: pod.metadata.namespace ?? "default",
      [LABELS.podName]: pod.metadata.name ?? "",
    },
  };
}

/** The memory volumes a container mounts. */
export function containerTmpfsMounts(
  pod: Pod,
  container: Container,
  nodeName: string,
  nodeMemoryBytes: number = os.totalmem(),
): TmpfsVolumeMount[] {
  const out: TmpfsVolumeMount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const volume = (pod.spec.volumes ?? []).find((v) => v.name === m.name);
    if (!volume || !isMemoryEmptyDir(volume)) continue;
    // An engine volume is mounted whole, with the engine's own propagation.
    if (m.subPath)
      throw runtimeError(
        `volumeMount "${m.name}": subPath is not supported on an emptyDir with medium Memory`,
        false,
      );
    if (m.mountPropagation && m.mountPropagation !== "None")
      throw runtimeError(
        `volumeMount "${m.name}": mountPropagation ${m.mountPropagation} is not supported on an emptyDir with medium Memory`,
        false,
      );
    out.push(mountOf(pod, volume, nodeName, nodeMemoryBytes, m.mountPath, m.readOnly === true));
  }
  return out;
}

/** Every memory volume of the pod, for its sandbox to hold. */
export function sandboxTmpfsMounts(
  pod: Pod,
  nodeName: string,
  nodeMemoryBytes: number = os.totalmem(),
): TmpfsVolumeMount[] {
  return (pod.spec.volumes ?? [])
    .filter(isMemoryEmptyDir)
    .map((v) => mountOf(pod, v, nodeName, nodeMemoryBytes, `${SANDBOX_MOUNT_ROOT}/${v.name}`, false));
}
