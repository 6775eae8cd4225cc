// Writes a volume's files in the kubelet's atomic layout, so that a running container sees
// either the old set of files or the new one, never a mix:
//   <dir>/..2026_12_05_13_00_00.Ab12Cd/   the files of this version
//   <dir>/..data -> ..2026_12_05_13_00_00.Ab12Cd   swapped by rename(2), which is atomic
//   <dir>/<name> -> ..data/<name>          one per top-level entry, made once
// Symlinks are relative, so they resolve inside the container as on the host.

import { promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { giveToGroup } from "./volume-ownership.js";

export interface FileToWrite {
  path: string;
  data: Buffer;
  mode: number;
}

/** The pod's fsGroup on the volume: the group, and the mode each file or directory gets. */
export interface GroupOwnership {
  gid: number;
  modeOf: (mode: number, isDirectory: boolean) => number;
}

const DATA = "..data";
const DATA_TMP = "..data_tmp";

/** `..YYYY_MM_DD_HH_MM_SS.` as the kubelet names its versions (mkdtemp adds the rest). */
function versionPrefix(now: Date): string {
  const t = now.toISOString().replace(/[-T:]/g, "_").slice(0, 19);
  return `..${t}.`;
}

async function lstatOf(p: string): Promise<Stats | undefined> {
  return fs.lstat(p).catch(() => undefined);
}

/**
 * Replaces the files of the volume at `dir` by `files`; made when missing. With `owner`, the
 * new version is the group's before the swap, so no reader sees it otherwise.
 */
export async function writeAtomically(
  dir: string,
  files: readonly FileToWrite[],
  now: Date,
  owner?: GroupOwnership,
): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const previous = await fs.readlink(path.join(dir, DATA)).catch(() => undefined);
  const version = await fs.mkdtemp(path.join(dir, versionPrefix(now)));
  await fs.chmod(version, 0o755);
  for (const f of files) {
    const target = path.join(version, f.path);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    await fs.writeFile(target, f.data);
    // After the write: the process umask would narrow the mode given to writeFile.
    await fs.chmod(target, f.mode & 0o7777);
  }
  if (owner) {
    await giveToGroup(version, owner.gid, owner.modeOf);
    await fs.chown(dir, -1, owner.gid);
    await fs.chmod(dir, owner.modeOf((await fs.stat(dir)).mode, true));
  }
  const tmp = path.join(dir, DATA_TMP);
  await fs.rm(tmp, { force: true });
  await fs.symlink(path.basename(version), tmp);
  await fs.rename(tmp, path.join(dir, DATA));
  const names = new Set(files.map((f) => f.path.split("/")[0] as string));
  for (const name of names) {
    const link = path.join(dir, name);
    const st = await lstatOf(link);
    if (st?.isSymbolicLink()) continue;
    // Something else at the name (a subPath made before the file existed): the link wins.
    if (st) await fs.rm(link, { recursive: true, force: true });
    await fs.symlink(path.join(DATA, name), link);
    if (owner) await fs.lchown(link, -1, owner.gid);
  }
  if (owner) await fs.lchown(path.join(dir, DATA), -1, owner.gid);
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith("..") || names.has(entry)) continue;
    const st = await lstatOf(path.join(dir, entry));
    if (st?.isSymbolicLink()) await fs.rm(path.join(dir, entry), { force: true });
  }
  if (previous && previous !== path.basename(version) && previous.startsWith(".."))
    await fs.rm(path.join(dir, previous), { recursive: true, force: true });
}
