// GET /metrics: the Prometheus text format, for the admin and the read-only metrics token
// (and, once RBAC lands, whoever is granted `get` on the nonResourceURL /metrics: the
// authorizer's mayReadNonResource decides). Mounted after authentication.

import { Router } from "express";
import { principalOf } from "../api/auth-middleware.js";
import { forbiddenPath, mayReadNonResource, METRICS_PATH } from "../api/authorization.js";
import type { RbacAuthorizer } from "../auth/rbac.js";
import type { ControlPlaneMetrics } from "./control-plane-metrics.js";

export function metricsRoute(metrics: Pick<ControlPlaneMetrics, "render">, rbac?: RbacAuthorizer): Router {
  const r = Router();
  r.get(METRICS_PATH, async (_req, res) => {
    const principal = principalOf(res);
    if (!mayReadNonResource(principal, METRICS_PATH, "get", rbac))
      throw forbiddenPath(principal, "get", METRICS_PATH);
    const { contentType, text } = await metrics.render();
    res.statusCode = 200;
    res.setHeader("Content-Type", contentType);
    res.setHeader("Cache-Control", "no-store");
    res.end(text);
  });
  return r;
}
