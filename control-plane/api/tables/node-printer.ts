// `kubectl get nodes` columns, computed as the Kubernetes API server does.

import type { Node } from "../../../shared/api-types.js";
import { ageColumn, ageSince, column, nameColumn, type Printer } from "./table-types.js";

const ROLE_PREFIX = "node-role.kubernetes.io/";
const ROLE_LABEL = "kubernetes.io/role";

/** Roles from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length)
      roles.add(key.slice(ROLE_PREFIX.length));
    else if (key === ROLE_LABEL && value !== "") roles.add(value);
  }
  return [...roles].sort();
}

/** `Ready`, `NotReady` (condition False or Unknown) or `Unknown` (no condition), plus `SchedulingDisabled`. */
export function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  const parts = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) parts.push("SchedulingDisabled");
  return parts.join(",");
}

function address(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address || "<none>";
}

const orUnknown = (v: string | undefined): string => (v ? v : "<unknown>");

/** The node table: Name, Status, Roles, Age, Version; wide: IPs, OS, kernel, runtime. */
export const nodePrinter: Printer<Node> = {
  columns: [
    nameColumn(),
    column("Status", "The status of the node"),
    column("Roles", "The roles of the node"),
    ageColumn(),
    column("Version", "Kubelet Version"),
    column("Internal-IP", "List of internal IPs", { wide: true }),
    column("External-IP", "List of external IPs", { wide: true }),
    column("OS-Image", "OS image", { wide: true }),
    column("Kernel-Version", "Kernel version", { wide: true }),
    column("Container-Runtime", "Container runtime", { wide: true }),
  ],
  cells(node, now) {
    const info = node.status?.nodeInfo;
    const roles = nodeRoles(node.metadata.labels);
    return [
      node.metadata.name ?? "",
      nodeStatus(node),
      roles.length > 0 ? roles.join(",") : "<none>",
      ageSince(node.metadata.creationTimestamp, now),
      info?.kubeletVersion ?? "",
      address(node, "InternalIP"),
      address(node, "ExternalIP"),
      orUnknown(info?.osImage),
      orUnknown(info?.kernelVersion),
      orUnknown(info?.containerRuntimeVersion),
    ];
  },
};
