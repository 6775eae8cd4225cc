// `cp`'s arguments and where each archived entry lands, pure: `[NAMESPACE/]POD:PATH` names a
// pod's file (any other argument is a local path), and an entry of the archive a pod sends
// maps under the local destination only if it stays inside it.

import path from "node:path";
import { EverynodeError } from "../shared/errors.js";

export interface PodPath {
  namespace?: string;
  pod: string;
  path: string;
}

/** The pod side of an argument, or undefined for a local path. */
export function parsePodPath(arg: string): PodPath | undefined {
  const colon = arg.indexOf(":");
  // A local path may hold a colon (./a:b); a pod is POD or NAMESPACE/POD, never starting with . / ~.
  if (colon <= 0 || /^[./~]/.test(arg) || arg.slice(0, colon).split("/").length > 2) return undefined;
  const [first, second] = arg.slice(0, colon).split("/");
  const file = arg.slice(colon + 1);
  if (!file) throw new EverynodeError("Usage", `"${arg}" names no path in the pod: use POD:PATH`);
  return second === undefined ? { pod: first!, path: file } : { namespace: first!, pod: second, path: file };
}

/**
 * The local path of an archive entry named `name`, whose first component is the copied
 * source's base name, under `dest`; undefined for an entry that would land outside it
 * (`..`, an absolute name), which is skipped.
 */
export function localPathOf(name: string, sourceBase: string, dest: string): string | undefined {
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts[0] !== sourceBase || parts.some((p) => p === "..") || name.startsWith("/")) return undefined;
  const target = path.resolve(dest, ...parts.slice(1));
  const root = path.resolve(dest);
  return target === root || target.startsWith(root + path.sep) ? target : undefined;
}
