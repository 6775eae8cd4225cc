// Nodes: what an agent reports and the control plane keeps about a host.

import type { KubeObject } from "./meta.js";
import type { Taint } from "./scheduling.js";

export interface NodeCondition {
  type: "Ready" | "MemoryPressure" | "DiskPressure" | "PIDPressure" | "NetworkUnavailable" | string;
  status: "True" | "False" | "Unknown";
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface NodeAddress {
  type: "InternalIP" | "ExternalIP" | "Hostname" | string;
  address: string;
}

export interface NodeSystemInfo {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  kubeProxyVersion: string;
  operatingSystem: string;
  architecture: string;
}

export interface NodeSpec {
  taints?: Taint[];
  unschedulable?: boolean;
  podCIDR?: string;
  [extra: string]: unknown;
}

export interface NodeStatus {
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  conditions?: NodeCondition[];
  addresses?: NodeAddress[];
  nodeInfo?: NodeSystemInfo;
  daemonEndpoints?: Record<string, unknown>;
  /** everynode: the images the node's agent has among those a rollout asked it to pre-pull. */
  images?: ContainerImage[];
  [extra: string]: unknown;
}

/** v1 ContainerImage: an image on a node. */
export interface ContainerImage {
  names?: string[];
  sizeBytes?: number;
}

export interface Node extends KubeObject {
  spec: NodeSpec;
  status?: NodeStatus;
}
