// hostPath.type checks before a bind mount, as the kubelet makes them: the *OrCreate kinds
// create what is missing, the others must already exist with that kind.

import { promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { runtimeError } from "./container-runtime.js";

async function statOf(p: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch {
    return undefined;
  }
}

const KIND_CHECK: Record<string, (s: Stats) => boolean> = {
  Directory: (s) => s.isDirectory(),
  File: (s) => s.isFile(),
  Socket: (s) => s.isSocket(),
  CharDevice: (s) => s.isCharacterDevice(),
  BlockDevice: (s) => s.isBlockDevice(),
};

/**
 * Checks (or creates) a hostPath of the given type; throws a permanent RuntimeError.
 * Resolves to whether it created the path.
 */
export async function prepareHostPath(hostPath: string, type: string): Promise<boolean> {
  const s = await statOf(hostPath);
  if (type === "" || type === undefined) return false;
  if (type === "DirectoryOrCreate") {
    if (!s) {
      await fs.mkdir(hostPath, { recursive: true, mode: 0o755 });
      await fs.chmod(hostPath, 0o755);
      return true;
    } else if (!s.isDirectory())
      throw runtimeError(`hostPath ${hostPath} exists and is not a directory`, false);
    return false;
  }
  if (type === "FileOrCreate") {
    if (!s) {
      await fs.mkdir(path.dirname(hostPath), { recursive: true, mode: 0o755 });
      await fs.writeFile(hostPath, "", { mode: 0o644, flag: "a" });
      await fs.chmod(hostPath, 0o644);
      return true;
    } else if (!s.isFile()) throw runtimeError(`hostPath ${hostPath} exists and is not a file`, false);
    return false;
  }
  const check = KIND_CHECK[type];
  if (!check) throw runtimeError(`hostPath type "${type}" is not supported`, false);
  if (!s) throw runtimeError(`hostPath type check failed: ${hostPath} does not exist (type ${type})`, false);
  if (!check(s)) throw runtimeError(`hostPath type check failed: ${hostPath} is not a ${type}`, false);
  return false;
}

/** A volume's sub path: anything that exists is mounted as it is; a missing one becomes a directory. */
export async function prepareSubPath(subPath: string): Promise<void> {
  if (await statOf(subPath)) return;
  await fs.mkdir(subPath, { recursive: true, mode: 0o755 });
}
