// apps/v1 ControllerRevision: the DaemonSet controller's history (kubectl rollout history
// and undo read it). Discovery lists every verb, as Kubernetes does, but only the
// controller writes them: create, update and patch are refused with a 405 (resource-rules).

import { controllerRevisionPrinter } from "../tables/other-printers.js";
import { ALL_VERBS, defineKind } from "./kind.js";

export const controllerRevisionKind = defineKind({
  group: "apps",
  version: "v1",
  kind: "ControllerRevision",
  listKind: "ControllerRevisionList",
  resource: "controllerrevisions",
  singular: "controllerrevision",
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ALL_VERBS,
  subresources: [],
  servedBy: "store",
  definition: "io.k8s.api.apps.v1.ControllerRevision",
  immutable: ["data"],
  fieldSelectors: {},
  hooks: { printer: controllerRevisionPrinter },
});
