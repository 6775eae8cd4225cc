// everynode's Kubernetes-shaped HTTP API as an Express app. It never listens: the composition
// root wraps it in an HTTPS server. Order: request timing, public routes, the
// self-authenticating routers (agent registration), authentication, authenticated
// non-resource routes (/metrics), discovery, resources, 404, errors.

import express from "express";
import type { Namespace } from "../../shared/api-types.js";
import { Deleter } from "../deletion/deleter.js";
import { BUILTIN_NAMESPACES, applyNamespaceDefaults } from "../kube/index.js";
import { ensureBootstrapRoles } from "../auth/bootstrap-roles.js";
import { storeRbac } from "../auth/rbac.js";
import { accessReviewRoutes } from "./access-reviews.js";
import { authenticate } from "./auth-middleware.js";
import { customResourceDefinitionRoutes } from "./custom-resource-definitions.js";
import { impersonation } from "./impersonation.js";
import { DEFAULT_MAX_BODY_BYTES } from "./body.js";
import type { ApiDeps, HandlerContext } from "./deps.js";
import { errorHandler } from "./error-handler.js";
import { discoveryRoutes, pathNotFound, publicRoutes } from "./public-routes.js";
import { requestMetrics } from "./request-metrics.js";
import { buildRules } from "./resource-rules/index.js";
import { resourceRoutes } from "./resource-routes.js";

export type { ApiDeps } from "./deps.js";

/** Creates the builtin namespaces that are missing, in one transaction. */
export function ensureBuiltinNamespaces(store: ApiDeps["store"]): void {
  const missing = BUILTIN_NAMESPACES.filter((name) => !store.get("namespaces", undefined, name));
  if (missing.length === 0) return;
  store.transaction((tx) => {
    for (const name of missing) {
      const ns: Namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name } };
      tx.create("namespaces", applyNamespaceDefaults(ns));
    }
  });
}

/** Builds the API app over its dependencies; creates the builtin namespaces first. */
export function buildApiApp(deps: ApiDeps): express.Express {
  ensureBuiltinNamespaces(deps.store);
  ensureBootstrapRoles(deps.store);
  const ctx: HandlerContext = {
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    logs: deps.logs,
    events: deps.events,
    maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    watchBookmarkIntervalMs: deps.watchBookmarkIntervalMs ?? 20_000,
    rules: buildRules(deps.store, deps.clock),
    deleter: deps.deleter ?? new Deleter({ store: deps.store, clock: deps.clock, events: deps.events }),
    ...(deps.serviceAccountTokens ? { serviceAccountTokens: deps.serviceAccountTokens } : {}),
    rbac: deps.rbac ?? storeRbac(deps.store),
  };
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  if (deps.requestObserver) app.use(requestMetrics(deps.requestObserver));
  app.use(publicRoutes());
  for (const router of deps.routers ?? []) app.use(router);
  app.use(authenticate(deps.authenticator));
  app.use(impersonation());
  app.use(accessReviewRoutes({ store: deps.store, rbac: ctx.rbac }));
  app.use(customResourceDefinitionRoutes());
  for (const route of deps.authenticatedRoutes ?? []) app.use(route);
  app.use(discoveryRoutes(deps.serverAddress));
  app.use(resourceRoutes(ctx));
  app.use((req, _res, next) => {
    req.resume();
    next(pathNotFound());
  });
  app.use(errorHandler(deps.logger));
  return app;
}
