// What the agent reports about its host on every connect: addresses, capacity, system
// facts and the well-known node labels, read from the OS.

import { readFileSync } from "node:fs";
import os from "node:os";
import type { NodeAddress } from "../shared/api-types.js";
import type { NodeReport } from "../shared/protocol.js";
import { KUBELET_VERSION } from "../shared/version.js";

/** The first non-internal IPv4 address of the host, or 127.0.0.1. */
export function defaultNodeIP(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

/** Kubernetes' architecture names for Node's process.arch. */
export function kubeArch(arch: string = process.arch): string {
  const map: Record<string, string> = {
    x64: "amd64",
    arm64: "arm64",
    arm: "arm",
    ia32: "386",
    ppc64: "ppc64le",
    s390x: "s390x",
  };
  return map[arch] ?? arch;
}

function readTrimmed(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

/** PRETTY_NAME from an os-release text. */
export function prettyName(osRelease: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(osRelease);
  return m?.[1]?.trim().replace(/^"(.*)"$/, "$1") ?? "Linux";
}

/** The labels every node carries: hostname, os, arch. */
export function wellKnownLabels(nodeName: string): Record<string, string> {
  const arch = kubeArch();
  return {
    "kubernetes.io/hostname": nodeName,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": arch,
    "beta.kubernetes.io/os": "linux",
    "beta.kubernetes.io/arch": arch,
  };
}

/** The default node name: the host name, lower-cased as Kubernetes names must be. */
export function defaultNodeName(): string {
  return os.hostname().toLowerCase();
}

/** The host's report; `engineVersion` is the Docker engine's version. */
export function collectNodeReport(o: { nodeIP: string; engineVersion: string }): NodeReport {
  const addresses: NodeAddress[] = [
    { type: "InternalIP", address: o.nodeIP },
    { type: "Hostname", address: os.hostname() },
  ];
  const cpu = String(os.cpus().length || 1);
  const memory = `${Math.floor(os.totalmem() / 1024)}Ki`;
  const capacity = { cpu, memory, pods: "110" };
  const machineID = readTrimmed("/etc/machine-id");
  return {
    addresses,
    capacity,
    allocatable: { ...capacity },
    nodeInfo: {
      machineID,
      systemUUID: readTrimmed("/sys/class/dmi/id/product_uuid") || machineID,
      bootID: readTrimmed("/proc/sys/kernel/random/boot_id"),
      kernelVersion: os.release(),
      osImage: prettyName(readTrimmed("/etc/os-release")),
      containerRuntimeVersion: `docker://${o.engineVersion}`,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: kubeArch(),
    },
  };
}
