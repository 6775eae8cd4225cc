// The disk a directory tree takes, as `du` counts it (allocated blocks, each inode once):
// what the kubelet measures an emptyDir's usage by.

import { lstat, readdir } from "node:fs/promises";
import path from "node:path";

/** Bytes allocated under `dir`; 0 when it does not exist. Files that vanish mid-walk are skipped. */
export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    let st;
    try {
      st = await lstat(p);
    } catch {
      return;
    }
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    total += st.blocks * 512;
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = await readdir(p);
    } catch {
      return;
    }
    for (const n of names) await walk(path.join(p, n));
  };
  await walk(dir);
  return total;
}
