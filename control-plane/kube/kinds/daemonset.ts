// apps/v1 DaemonSet: everynode's reason to be. Defaults, validation, a selector that never
// changes after create, and everynode's rollout fields (daemonset-rollout.ts).

import type { DaemonSet } from "../../../shared/api-types.js";
import { applyDaemonSetDefaults } from "../defaults.js";
import { daemonSetPrinter } from "../tables/daemonset-printer.js";
import { meaninglessFieldWarnings, validateDaemonSet } from "../validation/index.js";
import { DAEMONSET_ROLLOUT_DEFINITIONS, DAEMONSET_ROLLOUT_OVERLAY } from "./daemonset-rollout.js";
import { ALL_VERBS, defineKind, STATUS } from "./kind.js";

export const daemonSetKind = defineKind({
  group: "apps",
  version: "v1",
  kind: "DaemonSet",
  listKind: "DaemonSetList",
  resource: "daemonsets",
  singular: "daemonset",
  namespaced: true,
  shortNames: ["ds"],
  categories: ["all"],
  verbs: ALL_VERBS,
  subresources: [STATUS],
  servedBy: "store",
  definition: "io.k8s.api.apps.v1.DaemonSet",
  definitions: DAEMONSET_ROLLOUT_DEFINITIONS,
  overlay: DAEMONSET_ROLLOUT_OVERLAY,
  immutable: ["spec.selector"],
  fieldSelectors: {},
  hooks: {
    defaults: (o) => applyDaemonSetDefaults(o as DaemonSet),
    validate: (o, old) => validateDaemonSet(o as DaemonSet, old as DaemonSet | undefined),
    warnings: (o) => meaninglessFieldWarnings((o as DaemonSet).spec?.template?.spec, "spec.template.spec"),
    printer: daemonSetPrinter,
  },
});
