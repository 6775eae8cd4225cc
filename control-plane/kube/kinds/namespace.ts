// v1 Namespace: the builtin ones always exist; deleting another removes what is in it.

import type { Namespace } from "../../../shared/api-types.js";
import { applyNamespaceDefaults } from "../defaults.js";
import { namespacePrinter } from "../tables/other-printers.js";
import { validateNamespace } from "../validation/index.js";
import { ALL_VERBS, defineKind, STATUS } from "./kind.js";

/** The namespaces that always exist, as in a fresh Kubernetes cluster. */
export const BUILTIN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export const namespaceKind = defineKind({
  group: "",
  version: "v1",
  kind: "Namespace",
  listKind: "NamespaceList",
  resource: "namespaces",
  singular: "namespace",
  namespaced: false,
  shortNames: ["ns"],
  categories: [],
  // As the Kubernetes API server: namespaces cannot be deleted as a collection.
  verbs: ALL_VERBS.filter((v) => v !== "deletecollection"),
  subresources: [STATUS],
  servedBy: "store",
  definition: "io.k8s.api.core.v1.Namespace",
  immutable: [],
  fieldSelectors: { "status.phase": "status.phase" },
  hooks: {
    defaults: (o) => applyNamespaceDefaults(o as Namespace),
    validate: (o, old) => validateNamespace(o as Namespace, old as Namespace | undefined),
    printer: namespacePrinter,
  },
});
