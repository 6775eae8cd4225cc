// `describe node`: kubectl's layout, from the Node, the pods bound to it and its events.

import type { KubeEvent, Node, Pod } from "../../shared/api-types.js";
import {
  DescribeWriter,
  rfc1123z,
  since,
  writeAnnotations,
  writeEvents,
  writeLabels,
  writeTaints,
} from "./common.js";
import { formatBytes, formatCpu, parseQuantity, percentOf } from "./quantity.js";

/** The node's roles from `node-role.kubernetes.io/<role>` labels (and the legacy `kubernetes.io/role`). */
export function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/") && k.length > "node-role.kubernetes.io/".length)
      roles.add(k.slice("node-role.kubernetes.io/".length));
    else if (k === "kubernetes.io/role" && v) roles.add(v);
  }
  return roles.size === 0 ? "<none>" : [...roles].sort().join(",");
}

function writeResourceList(w: DescribeWriter, title: string, list: Record<string, string> | undefined): void {
  const keys = Object.keys(list ?? {}).sort();
  if (keys.length === 0) return;
  w.write(0, `${title}:\n`);
  for (const k of keys) w.write(1, `${k}:\t${list?.[k] ?? ""}\n`);
}

interface Sums {
  cpuReq: number;
  cpuLim: number;
  memReq: number;
  memLim: number;
}

function podSums(pod: Pod): Sums {
  const s: Sums = { cpuReq: 0, cpuLim: 0, memReq: 0, memLim: 0 };
  for (const c of pod.spec?.containers ?? []) {
    s.cpuReq += parseQuantity(c.resources?.requests?.cpu);
    s.cpuLim += parseQuantity(c.resources?.limits?.cpu);
    s.memReq += parseQuantity(c.resources?.requests?.memory);
    s.memLim += parseQuantity(c.resources?.limits?.memory);
  }
  return s;
}

/** The whole description of a node. */
export function describeNode(
  node: Node,
  pods: Pod[],
  events: KubeEvent[] | undefined,
  nowMs: number,
  lease?: { holderIdentity?: string; acquireTime?: string; renewTime?: string } | { error: string },
): string {
  const w = new DescribeWriter();
  const md = node.metadata;
  const status = node.status ?? {};
  w.write(0, `Name:\t${md.name ?? ""}\n`);
  w.write(0, `Roles:\t${nodeRoles(md.labels)}\n`);
  writeLabels(w, "Labels", md.labels);
  writeAnnotations(w, "Annotations", md.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(md.creationTimestamp)}\n`);
  writeTaints(w, node.spec?.taints);
  w.write(0, `Unschedulable:\t${node.spec?.unschedulable === true}\n`);
  if (lease && "error" in lease) w.write(0, `Lease:\tFailed to get lease: ${lease.error}\n`);
  else if (lease) {
    w.write(0, "Lease:\n");
    w.write(1, `HolderIdentity:\t${lease.holderIdentity ?? "<unset>"}\n`);
    w.write(1, `AcquireTime:\t${lease.acquireTime ? rfc1123z(lease.acquireTime) : "<unset>"}\n`);
    w.write(1, `RenewTime:\t${lease.renewTime ? rfc1123z(lease.renewTime) : "<unset>"}\n`);
  }
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for (const c of conditions) {
      w.write(
        1,
        `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ""} \t${c.message ?? ""}\n`,
      );
    }
  }
  const addresses = status.addresses ?? [];
  if (addresses.length > 0) {
    w.write(0, "Addresses:\n");
    for (const a of addresses) w.write(1, `${a.type}:\t${a.address}\n`);
  }
  writeResourceList(w, "Capacity", status.capacity);
  writeResourceList(w, "Allocatable", status.allocatable);
  const info = status.nodeInfo;
  w.write(0, "System Info:\n");
  w.write(0, `  Machine ID:\t${info?.machineID ?? ""}\n`);
  w.write(0, `  System UUID:\t${info?.systemUUID ?? ""}\n`);
  w.write(0, `  Boot ID:\t${info?.bootID ?? ""}\n`);
  w.write(0, `  Kernel Version:\t${info?.kernelVersion ?? ""}\n`);
  w.write(0, `  OS Image:\t${info?.osImage ?? ""}\n`);
  w.write(0, `  Operating System:\t${info?.operatingSystem ?? ""}\n`);
  w.write(0, `  Architecture:\t${info?.architecture ?? ""}\n`);
  w.write(0, `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ""}\n`);
  w.write(0, `  Kubelet Version:\t${info?.kubeletVersion ?? ""}\n`);
  w.write(0, `  Kube-Proxy Version:\t${info?.kubeProxyVersion ?? ""}\n`);
  const podCIDR = node.spec?.podCIDR;
  if (podCIDR) {
    w.write(0, `PodCIDR:\t${podCIDR}\n`);
    const cidrs = (node.spec?.podCIDRs as string[] | undefined) ?? [podCIDR];
    w.write(0, `PodCIDRs:\t${cidrs.join(",")}\n`);
  }
  if (typeof node.spec?.providerID === "string") w.write(0, `ProviderID:\t${node.spec.providerID}\n`);
  const alloc = status.allocatable ?? status.capacity ?? {};
  const cpuCap = parseQuantity(alloc.cpu);
  const memCap = parseQuantity(alloc.memory);
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
  w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
  const total: Sums = { cpuReq: 0, cpuLim: 0, memReq: 0, memLim: 0 };
  for (const pod of pods) {
    const s = podSums(pod);
    total.cpuReq += s.cpuReq;
    total.cpuLim += s.cpuLim;
    total.memReq += s.memReq;
    total.memLim += s.memLim;
    w.write(
      1,
      `${pod.metadata.namespace ?? ""}\t${pod.metadata.name ?? ""}\t\t` +
        `${formatCpu(s.cpuReq)} (${percentOf(s.cpuReq, cpuCap)}%)\t${formatCpu(s.cpuLim)} (${percentOf(s.cpuLim, cpuCap)}%)\t` +
        `${formatBytes(s.memReq)} (${percentOf(s.memReq, memCap)}%)\t${formatBytes(s.memLim)} (${percentOf(s.memLim, memCap)}%)\t` +
        `${since(pod.metadata.creationTimestamp, nowMs)}\n`,
    );
  }
  w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
  w.write(1, "Resource\tRequests\tLimits\n");
  w.write(1, "--------\t--------\t------\n");
  w.write(
    1,
    `cpu\t${formatCpu(total.cpuReq)} (${percentOf(total.cpuReq, cpuCap)}%)\t${formatCpu(total.cpuLim)} (${percentOf(total.cpuLim, cpuCap)}%)\n`,
  );
  w.write(
    1,
    `memory\t${formatBytes(total.memReq)} (${percentOf(total.memReq, memCap)}%)\t${formatBytes(total.memLim)} (${percentOf(total.memLim, memCap)}%)\n`,
  );
  w.write(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n");
  writeEvents(w, events, nowMs);
  return w.toString();
}
