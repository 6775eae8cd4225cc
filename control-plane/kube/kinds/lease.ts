// coordination.k8s.io/v1 Lease, in kube-node-lease: one per node, made on request from the
// node's last heartbeat (control-plane/nodes/lease-router.ts), read-only. Not published in
// discovery or OpenAPI: only `get` is served, so a published `leases` would make
// `kubectl get leases` fail on the list it cannot do, and `kubectl describe node` reads a
// node's Lease by its typed client, without discovery. The registry describes it so that
// its schema and URL come from here.

import { defineKind } from "./kind.js";

export const leaseKind = defineKind({
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  listKind: "LeaseList",
  resource: "leases",
  singular: "lease",
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ["get"],
  subresources: [],
  servedBy: "router",
  definition: "io.k8s.api.coordination.v1.Lease",
  immutable: [],
  fieldSelectors: {},
  hooks: {},
});
