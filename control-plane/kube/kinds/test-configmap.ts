// The README's worked example, a ConfigMap kind, as tests build it (without the hooks the
// real one would point at): kinds/worked-example.test.ts and the API's rule tests use it.

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
  immutable: [],
  fieldSelectors: {},
  hooks: {},
});
