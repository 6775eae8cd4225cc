// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding. Enforced
// for ServiceAccount tokens by control-plane/auth/rbac.ts; the bootstrap ClusterRoles are
// control-plane/auth/bootstrap-roles.ts.

import { rolePrinter, roleBindingPrinter } from "../tables/access-printers.js";
import { applyBindingDefaults, validateBinding, validateRole } from "../validation/rbac.js";
import { ALL_VERBS, defineKind } from "./kind.js";

const common = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  shortNames: [],
  categories: [],
  verbs: ALL_VERBS,
  subresources: [],
  servedBy: "store",
  fieldSelectors: {},
} as const;

export const roleKind = defineKind({
  ...common,
  kind: "Role",
  listKind: "RoleList",
  resource: "roles",
  singular: "role",
  namespaced: true,
  definition: "io.k8s.api.rbac.v1.Role",
  immutable: [],
  hooks: { validate: (o, old) => validateRole(o, old, false), printer: rolePrinter },
});

export const clusterRoleKind = defineKind({
  ...common,
  kind: "ClusterRole",
  listKind: "ClusterRoleList",
  resource: "clusterroles",
  singular: "clusterrole",
  namespaced: false,
  definition: "io.k8s.api.rbac.v1.ClusterRole",
  immutable: [],
  hooks: { validate: (o, old) => validateRole(o, old, true), printer: rolePrinter },
});

export const roleBindingKind = defineKind({
  ...common,
  kind: "RoleBinding",
  listKind: "RoleBindingList",
  resource: "rolebindings",
  singular: "rolebinding",
  namespaced: true,
  definition: "io.k8s.api.rbac.v1.RoleBinding",
  immutable: ["roleRef"],
  hooks: {
    defaults: applyBindingDefaults,
    validate: (o, old) => validateBinding(o, old, false),
    printer: roleBindingPrinter,
  },
});

export const clusterRoleBindingKind = defineKind({
  ...common,
  kind: "ClusterRoleBinding",
  listKind: "ClusterRoleBindingList",
  resource: "clusterrolebindings",
  singular: "clusterrolebinding",
  namespaced: false,
  definition: "io.k8s.api.rbac.v1.ClusterRoleBinding",
  immutable: ["roleRef"],
  hooks: {
    defaults: applyBindingDefaults,
    validate: (o, old) => validateBinding(o, old, true),
    printer: roleBindingPrinter,
  },
});
