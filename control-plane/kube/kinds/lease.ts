// coordination.k8s.io/v1 Lease, in kube-node-lease: one per node, made on request from the
// node's last heartbeat (control-plane/nodes/lease-router.ts), read-only. Not yet in
// discovery, as today; the registry describes it so that its schema and URLs come from here.

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
