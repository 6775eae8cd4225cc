// v1 ServiceAccount: the identity a pod's processes use against the API. A `default` one
// exists in every namespace (control-plane/controller/service-accounts.ts); tokens come from
// its `token` subresource (TokenRequest) or a service-account-token Secret.

import type { ServiceAccount } from "../../../shared/config-types.js";
import { serviceAccountPrinter } from "../tables/access-printers.js";
import { validateServiceAccount } from "../validation/service-account.js";
import { ALL_VERBS, defineKind, TOKEN } from "./kind.js";

export const serviceAccountKind = defineKind({
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  listKind: "ServiceAccountList",
  resource: "serviceaccounts",
  singular: "serviceaccount",
  namespaced: true,
  shortNames: ["sa"],
  categories: [],
  verbs: ALL_VERBS,
  subresources: [TOKEN],
  servedBy: "store",
  definition: "io.k8s.api.core.v1.ServiceAccount",
  immutable: [],
  fieldSelectors: {},
  hooks: {
    validate: (o, old) => validateServiceAccount(o as ServiceAccount, old as ServiceAccount | undefined),
    printer: serviceAccountPrinter,
  },
});
