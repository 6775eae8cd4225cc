// `kubectl get nodes` columns, computed as the Kubernetes API server does. A node's status is
// what its agent reported: each cell is computed on its own, so an odd value prints
// `<unknown>` in its cell and never fails the whole list.

import type { Node } from "../../../shared/api-types.js";
import {
  ageColumn,
  ageSince,
  asList,
  asText,
  column,
  nameColumn,
  safeCell,
  UNKNOWN_CELL,
  type Printer,
} from "./table-types.js";

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
  const ready = asList(node.status?.conditions).find(
    (c): c is { type: string; status: string } =>
      typeof c === "object" && c !== null && (c as { type?: unknown }).type === "Ready",
  );
  const parts = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) parts.push("SchedulingDisabled");
  return parts.join(",");
}

function address(node: Node, type: string): string {
  const found = asList(node.status?.addresses).find(
    (a) => typeof a === "object" && a !== null && (a as { type?: unknown }).type === type,
  ) as { address?: unknown } | undefined;
  if (found === undefined || found.address === undefined || found.address === "") return "<none>";
  return typeof found.address === "string" ? found.address : UNKNOWN_CELL;
}

const orUnknown = (v: unknown): unknown => (v === undefined || v === null || v === "" ? "<unknown>" : v);

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
    return [
      safeCell(() => node.metadata.name ?? ""),
      safeCell(() => nodeStatus(node)),
      safeCell(() => {
        const roles = nodeRoles(node.metadata.labels);
        return roles.length > 0 ? roles.join(",") : "<none>";
      }),
      safeCell(() => ageSince(asText(node.metadata.creationTimestamp), now)),
      safeCell(() => info?.kubeletVersion ?? ""),
      safeCell(() => address(node, "InternalIP")),
      safeCell(() => address(node, "ExternalIP")),
      safeCell(() => orUnknown(info?.osImage)),
      safeCell(() => orUnknown(info?.kernelVersion)),
      safeCell(() => orUnknown(info?.containerRuntimeVersion)),
    ];
  },
};
