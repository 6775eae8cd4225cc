// v1 ConfigMap: configuration data pods read as files or environment variables.

import type { ConfigMap } from "../../../shared/config-types.js";
import { configMapPrinter } from "../tables/access-printers.js";
import { validateConfigMap } from "../validation/config-data.js";
import { ALL_VERBS, defineKind } from "./kind.js";

export const configMapKind = defineKind({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  listKind: "ConfigMapList",
  resource: "configmaps",
  singular: "configmap",
  namespaced: true,
  shortNames: ["cm"],
  categories: [],
  verbs: ALL_VERBS,
  subresources: [],
  servedBy: "store",
  definition: "io.k8s.api.core.v1.ConfigMap",
  // Only while `immutable` is true: the validate hook enforces it.
  immutable: ["immutable", "data", "binaryData"],
  fieldSelectors: {},
  hooks: {
    validate: (o, old) => validateConfigMap(o as ConfigMap, old as ConfigMap | undefined),
    printer: configMapPrinter,
  },
});
