// A container's security as Docker applies it, from the pod's and the container's
// securityContext (the container's fields win, as on Kubernetes): user and groups,
// capabilities, privileged, read-only root, no-new-privileges, seccomp; and the runAsNonRoot
// check against the image's user. Pure; reading a Localhost seccomp profile is the caller's.

import path from "node:path";
import type { Container, Pod } from "../../shared/api-types.js";
import { runtimeError, type ContainerCreateSpec } from "../runtime/container-runtime.js";

type Security = Pick<
  ContainerCreateSpec,
  "user" | "groupAdd" | "capAdd" | "capDrop" | "readOnlyRootfs" | "securityOpt" | "privileged"
>;

interface Effective {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  seccompProfile?: { type?: string; localhostProfile?: string };
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
}

/** The fields where the container's securityContext overrides the pod's. */
export function effectiveSecurity(pod: Pod, container: Container): Effective {
  const podSc = record(pod.spec.securityContext);
  const sc = record(container.securityContext);
  const pick = <T>(k: string): T | undefined => (sc[k] ?? podSc[k]) as T | undefined;
  const out: Effective = {};
  const user = pick<number>("runAsUser");
  if (user !== undefined) out.runAsUser = user;
  const group = pick<number>("runAsGroup");
  if (group !== undefined) out.runAsGroup = group;
  const nonRoot = pick<boolean>("runAsNonRoot");
  if (nonRoot !== undefined) out.runAsNonRoot = nonRoot;
  const seccomp = pick<Effective["seccompProfile"]>("seccompProfile");
  if (seccomp !== undefined) out.seccompProfile = seccomp;
  return out;
}

/**
 * Docker's settings for the container. `imageUser` is the image's USER ("" for root); a
 * Localhost seccomp profile is named by `seccompFile` (under `seccompRoot`), for the caller
 * to read into `seccomp=<json>`.
 */
export function securitySpec(
  pod: Pod,
  container: Container,
  imageUser: string,
  seccompRoot: string,
): Security & { seccompFile?: string } {
  const eff = effectiveSecurity(pod, container);
  const sc = record(container.securityContext);
  const podSc = record(pod.spec.securityContext);
  const out: Security & { seccompFile?: string } = { privileged: sc.privileged === true };
  const [imageName = "", imageGroup] = imageUser.split(":");
  if (eff.runAsUser !== undefined || eff.runAsGroup !== undefined) {
    const user = eff.runAsUser !== undefined ? String(eff.runAsUser) : imageName || "0";
    const group = eff.runAsGroup !== undefined ? String(eff.runAsGroup) : imageGroup;
    out.user = group !== undefined ? `${user}:${group}` : user;
  }
  if (eff.runAsNonRoot === true) checkNonRoot(pod, container, eff.runAsUser, imageName);
  const groups = [
    ...(typeof podSc.fsGroup === "number" ? [podSc.fsGroup] : []),
    ...(Array.isArray(podSc.supplementalGroups) ? (podSc.supplementalGroups as number[]) : []),
  ];
  if (groups.length > 0) out.groupAdd = [...new Set(groups.map(String))];
  const caps = record(sc.capabilities);
  if (Array.isArray(caps.add) && caps.add.length > 0) out.capAdd = caps.add as string[];
  if (Array.isArray(caps.drop) && caps.drop.length > 0) out.capDrop = caps.drop as string[];
  if (sc.readOnlyRootFilesystem === true) out.readOnlyRootfs = true;
  const opts: string[] = [];
  if (sc.allowPrivilegeEscalation === false) opts.push("no-new-privileges");
  const seccomp = eff.seccompProfile;
  if (seccomp?.type === "Unconfined") opts.push("seccomp=unconfined");
  if (seccomp?.type === "Localhost") {
    const file = seccomp.localhostProfile ?? "";
    if (!file || file.split("/").includes(".."))
      throw runtimeError(
        `seccomp profile "${file}" must be a path under the agent's profile directory`,
        false,
      );
    out.seccompFile = path.join(seccompRoot, file);
  }
  if (opts.length > 0) out.securityOpt = opts;
  return out;
}

/** Refuses to run as root what asks runAsNonRoot, worded as the kubelet words it. */
function checkNonRoot(
  pod: Pod,
  container: Container,
  runAsUser: number | undefined,
  imageUser: string,
): void {
  const where = `(pod: "${pod.metadata.name ?? ""}_${pod.metadata.namespace ?? "default"}(${pod.metadata.uid ?? ""})", container: ${container.name})`;
  if (runAsUser !== undefined) {
    if (runAsUser === 0) throw runtimeError(`container's runAsUser breaks non-root policy ${where}`, false);
    return;
  }
  if (imageUser === "" || imageUser === "root" || imageUser === "0")
    throw runtimeError(`container has runAsNonRoot and image will run as root ${where}`, false);
  if (!/^\d+$/.test(imageUser))
    throw runtimeError(
      `container has runAsNonRoot and image has non-numeric user (${imageUser}), cannot verify user is non-root ${where}`,
      false,
    );
}

/** The pod's fsGroup, when it sets one. */
export function fsGroupOf(pod: Pod): number | undefined {
  const g = (pod.spec.securityContext as Record<string, unknown> | undefined)?.["fsGroup"];
  return typeof g === "number" && Number.isInteger(g) && g >= 0 ? g : undefined;
}

/** A token file's mode: 0600 under an fsGroup (0640 once the group's bits are added), as the kubelet writes it. */
export function tokenFileMode(pod: Pod, defaultMode: number): number {
  return fsGroupOf(pod) === undefined ? defaultMode : 0o600;
}
