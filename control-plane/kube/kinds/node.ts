// v1 Node: one per host that runs an agent. Cluster-scoped; the agent writes its status.

import type { Node } from "../../../shared/api-types.js";
import { applyNodeDefaults } from "../defaults.js";
import { nodePrinter } from "../tables/node-printer.js";
import { validateNode } from "../validation/index.js";
import { ALL_VERBS, defineKind, STATUS } from "./kind.js";

export const nodeKind = defineKind({
  group: "",
  version: "v1",
  kind: "Node",
  listKind: "NodeList",
  resource: "nodes",
  singular: "node",
  namespaced: false,
  shortNames: ["no"],
  categories: [],
  verbs: ALL_VERBS,
  subresources: [STATUS],
  servedBy: "store",
  definition: "io.k8s.api.core.v1.Node",
  immutable: [],
  // Kubernetes prints the boolean, so an unset field reads "false", not "".
  fieldSelectors: { "spec.unschedulable": (node) => String((node as Node).spec?.unschedulable === true) },
  hooks: {
    defaults: (o) => applyNodeDefaults(o as Node),
    validate: (o, old) => validateNode(o as Node, old as Node | undefined),
    printer: nodePrinter,
  },
});
