// The registry of every kind everynode speaks: one line per kind, in the order discovery and
// the OpenAPI documents list them. A kind is its file here (see ../README.md for what a kind
// file holds and the ConfigMap worked example); adding one is that file plus one line below.

import { buildRegistry } from "../schema/registry.js";
import { configMapKind } from "./configmap.js";
import { controllerRevisionKind } from "./controllerrevision.js";
import { daemonSetKind } from "./daemonset.js";
import { eventKind } from "./event.js";
import { joinTokenKind } from "./jointoken.js";
import { leaseKind } from "./lease.js";
import { nodeMetricsKind, podMetricsKind } from "./metrics.js";
import { namespaceKind } from "./namespace.js";
import { nodeKind } from "./node.js";
import { podKind } from "./pod.js";
import { clusterRoleBindingKind, clusterRoleKind, roleBindingKind, roleKind } from "./rbac.js";
import { secretKind } from "./secret.js";
import { serviceAccountKind } from "./serviceaccount.js";

export const KINDS = [
  nodeKind,
  podKind,
  namespaceKind,
  eventKind,
  daemonSetKind,
  controllerRevisionKind,
  leaseKind,
  joinTokenKind,
  configMapKind,
  secretKind,
  serviceAccountKind,
  roleKind,
  clusterRoleKind,
  roleBindingKind,
  clusterRoleBindingKind,
  nodeMetricsKind,
  podMetricsKind,
] as const;

/** The registry the server and the CLI use, built (and checked) once. */
export const REGISTRY = buildRegistry(KINDS);
