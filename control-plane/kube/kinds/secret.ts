// v1 Secret: like a ConfigMap, but base64 values, a type, and encrypted at rest by the store
// (control-plane/store/secret-encryption.ts).

import type { Secret } from "../../../shared/config-types.js";
import { applySecretDefaults } from "../secret-defaults.js";
import { secretPrinter } from "../tables/access-printers.js";
import { validateSecret } from "../validation/config-data.js";
import { ALL_VERBS, defineKind } from "./kind.js";

export const secretKind = defineKind({
  group: "",
  version: "v1",
  kind: "Secret",
  listKind: "SecretList",
  resource: "secrets",
  singular: "secret",
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ALL_VERBS,
  subresources: [],
  servedBy: "store",
  definition: "io.k8s.api.core.v1.Secret",
  // type always; data and the flag while `immutable` is true. The validate hook enforces them.
  immutable: ["type", "immutable", "data"],
  fieldSelectors: { type: "type" },
  hooks: {
    defaults: (o) => applySecretDefaults(o as Secret),
    validate: (o, old) => validateSecret(o as Secret, old as Secret | undefined),
    printer: secretPrinter,
  },
});
