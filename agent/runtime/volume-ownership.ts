// Gives a volume's files to a group (the pod's fsGroup), as the kubelet does: every entry
// is chowned to the group (symlinks themselves, not their targets) and gets the mode
// `modeOf` decides; symlinks keep theirs, since a chmod would reach the file they point to.

import { promises as fs } from "node:fs";
import path from "node:path";

/** Walks `root` (itself included) and gives each entry to `gid`. */
export async function giveToGroup(
  root: string,
  gid: number,
  modeOf: (mode: number, isDirectory: boolean) => number,
): Promise<void> {
  const st = await fs.lstat(root);
  await fs.lchown(root, -1, gid);
  if (st.isSymbolicLink()) return;
  await fs.chmod(root, modeOf(st.mode, st.isDirectory()));
  if (!st.isDirectory()) return;
  for (const entry of await fs.readdir(root)) await giveToGroup(path.join(root, entry), gid, modeOf);
}
