// The pod's fsGroup on its volumes, as the kubelet applies it: the volumes that support
// ownership management (the ones the agent writes, and emptyDirs) are given to the group,
// with the group's bits added to each mode; hostPath volumes are left as they are. Pure:
// the chown/chmod happen where the volumes are made (atomic-volume.ts, host-paths.ts, the
// engine's tmpfs options).

import type { Pod, Volume } from "../../shared/api-types.js";
import type { GroupOwnership } from "../runtime/atomic-volume.js";
import { fsGroupOf } from "./security-spec.js";
import { isConfigVolume } from "./volume-plan.js";

export interface VolumeOwnership {
  /** The group every file and directory of the volume gets. */
  gid: number;
  /** Read-only volumes (configMap, secret, downwardAPI, projected) get the group's read bit only. */
  readOnly: boolean;
}

const READ_ONLY_BITS = 0o440;
const READ_WRITE_BITS = 0o660;
/** Directories are also searchable by the group, and setgid so new entries keep the group. */
const DIR_BITS = 0o2110;

/** How the pod's fsGroup applies to one of its volumes; undefined when it leaves it alone. */
export function volumeOwnership(pod: Pod, volume: Volume): VolumeOwnership | undefined {
  const gid = fsGroupOf(pod);
  if (gid === undefined || volume.hostPath) return undefined;
  if (isConfigVolume(volume)) return { gid, readOnly: true };
  if (volume.emptyDir || Object.keys(volume).every((k) => k === "name")) return { gid, readOnly: false };
  return undefined;
}

/** The mode a file or directory gets under `ownership`: its own bits plus the group's. */
export function ownedMode(mode: number, isDirectory: boolean, ownership: VolumeOwnership): number {
  const bits = (ownership.readOnly ? READ_ONLY_BITS : READ_WRITE_BITS) | (isDirectory ? DIR_BITS : 0);
  return (mode & 0o7777) | bits;
}

/** What the volume writer (atomic-volume.ts) needs to give a volume's files to the group. */
export function writerOwnership(pod: Pod, volume: Volume): GroupOwnership | undefined {
  const own = volumeOwnership(pod, volume);
  return own && { gid: own.gid, modeOf: (m, dir) => ownedMode(m, dir, own) };
}
