// `kubectl get` columns for ConfigMaps, Secrets, ServiceAccounts and the RBAC kinds, as the
// Kubernetes API server prints them.

import type { KubeObject } from "../../../shared/api-types.js";
import type { ConfigMap, Secret, ServiceAccount } from "../../../shared/config-types.js";
import {
  ageColumn,
  ageSince,
  asList,
  asText,
  column,
  nameColumn,
  safeCell,
  type Printer,
} from "./table-types.js";

function keyCount(...maps: unknown[]): number {
  return maps.reduce<number>(
    (n, m) => n + (typeof m === "object" && m !== null ? Object.keys(m).length : 0),
    0,
  );
}

/** Name, Data, Age. */
export const configMapPrinter: Printer<ConfigMap> = {
  columns: [
    nameColumn(),
    column("Data", "Data contains the configuration data.", { type: "integer" }),
    ageColumn(),
  ],
  cells: (cm, now) => [
    cm.metadata.name ?? "",
    keyCount(cm.data, cm.binaryData),
    ageSince(cm.metadata.creationTimestamp, now),
  ],
};

/** Name, Type, Data, Age. */
export const secretPrinter: Printer<Secret> = {
  columns: [
    nameColumn(),
    column("Type", "Used to facilitate programmatic handling of secret data."),
    column("Data", "Data contains the secret data.", { type: "integer" }),
    ageColumn(),
  ],
  cells: (s, now) => [
    s.metadata.name ?? "",
    safeCell(() => s.type ?? ""),
    keyCount(s.data),
    ageSince(s.metadata.creationTimestamp, now),
  ],
};

/** Name, Secrets, Age. */
export const serviceAccountPrinter: Printer<ServiceAccount> = {
  columns: [
    nameColumn(),
    column(
      "Secrets",
      "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
      { type: "integer" },
    ),
    ageColumn(),
  ],
  cells: (sa, now) => [
    sa.metadata.name ?? "",
    asList(sa.secrets).length,
    ageSince(sa.metadata.creationTimestamp, now),
  ],
};

/** kubectl's `Created At`: the creation time in RFC 3339, UTC, whole seconds. */
function createdAt(o: KubeObject): string {
  const t = Date.parse(o.metadata.creationTimestamp ?? "");
  return Number.isNaN(t) ? "<unknown>" : new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Name, Created At: Roles and ClusterRoles. */
export const rolePrinter: Printer<KubeObject> = {
  columns: [
    nameColumn(),
    column(
      "Created At",
      "CreationTimestamp is a timestamp representing the server time when this object was created.",
      { type: "date" },
    ),
  ],
  cells: (r) => [r.metadata.name ?? "", createdAt(r)],
};

interface SubjectLike {
  kind?: unknown;
  name?: unknown;
  namespace?: unknown;
}

function subjectsOf(b: KubeObject, kind: string): string {
  return asList(b["subjects"])
    .filter((s): s is SubjectLike => typeof s === "object" && s !== null && (s as SubjectLike).kind === kind)
    .map((s) =>
      kind === "ServiceAccount"
        ? `${asText(s.namespace) ?? ""}/${asText(s.name) ?? ""}`
        : (asText(s.name) ?? ""),
    )
    .join(", ");
}

/** Name, Role, Age; wide: Users, Groups, ServiceAccounts. RoleBindings and ClusterRoleBindings. */
export const roleBindingPrinter: Printer<KubeObject> = {
  columns: [
    nameColumn(),
    column(
      "Role",
      "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.",
    ),
    ageColumn(),
    column("Users", "Users in the binding", { wide: true }),
    column("Groups", "Groups in the binding", { wide: true }),
    column("ServiceAccounts", "ServiceAccounts in the binding", { wide: true }),
  ],
  cells: (b, now) => {
    const ref = (b["roleRef"] ?? {}) as { kind?: unknown; name?: unknown };
    return [
      b.metadata.name ?? "",
      safeCell(() => `${asText(ref.kind) ?? ""}/${asText(ref.name) ?? ""}`),
      ageSince(b.metadata.creationTimestamp, now),
      safeCell(() => subjectsOf(b, "User")),
      safeCell(() => subjectsOf(b, "Group")),
      safeCell(() => subjectsOf(b, "ServiceAccount")),
    ];
  },
};
