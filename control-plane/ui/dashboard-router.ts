// The web dashboard at /ui/: the prebuilt page and scripts (public: they hold no data and
// no secret), and /ui/api/* for the admin: the live grid and the rollout groups. The router
// is mounted before the API's authentication and authenticates /ui/api itself with the
// same bearer tokens; the page keeps the token in sessionStorage and sends it in the
// Authorization header, never in a URL and never in a cookie (so no request can be forged
// from another site: nothing is sent that the page's own script did not add).

import { Router } from "express";
import type { NextFunction, Request, Response } from "express";
import type { DaemonSet } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { errors } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { authenticate, principalOf } from "../api/auth-middleware.js";
import { userName } from "../api/authorization.js";
import { pathNotFound } from "../api/public-routes.js";
import { sendJson } from "../api/respond.js";
import type { Authenticator, Principal } from "../auth/principal.js";
import type { Store } from "../store/store.js";
import { GridModel } from "./grid/grid-model.js";
import { serveGridStream, type GridStreamOptions } from "./grid/grid-stream.js";
import { rolloutGroups } from "./rollout-groups.js";
import { setSecurityHeaders } from "./security-headers.js";
import { defaultStaticDir, loadStaticFiles } from "./static-files.js";

export interface DashboardDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  authenticator: Authenticator;
  /** The built files; default dist/ui. */
  staticDir?: string;
  grid?: GridStreamOptions & { sliceNodes?: number };
}

/** Who may use the dashboard's API: the admin (RBAC-granted users may follow). */
export function mayUseDashboard(p: Principal): boolean {
  return p.kind === "admin";
}

export function createDashboardRouter(deps: DashboardDeps): Router {
  const files = loadStaticFiles(deps.staticDir ?? defaultStaticDir());
  const model = new GridModel({ store: deps.store, clock: deps.clock, sliceNodes: deps.grid?.sliceNodes });
  // Strict: "/ui" (redirected) and "/ui/" (the page) are two paths.
  const r = Router({ strict: true });

  r.get("/ui", (_req, res) => {
    setSecurityHeaders(res, "no-cache");
    res.redirect(301, "/ui/");
  });

  const api = Router();
  api.use(authenticate(deps.authenticator));
  api.use((_req: Request, res: Response, next: NextFunction) => {
    const p = principalOf(res);
    if (!mayUseDashboard(p)) {
      next(errors.forbidden(`forbidden: User "${userName(p)}" cannot use the dashboard`));
      return;
    }
    setSecurityHeaders(res, "no-store");
    next();
  });
  api.get("/whoami", (_req, res) => {
    const p = principalOf(res);
    sendJson(res, 200, { user: userName(p), kind: p.kind });
  });
  api.get("/grid", (req, res) => {
    serveGridStream(req, res, { model, clock: deps.clock, logger: deps.logger }, deps.grid);
  });
  api.get("/rollout/:namespace/:name", (req, res) => {
    const { namespace, name } = req.params as { namespace: string; name: string };
    const ds = deps.store.get<DaemonSet>("daemonsets", namespace, name);
    if (!ds) throw errors.notFound("daemonsets", name, "apps");
    sendJson(res, 200, { groups: rolloutGroups(ds, deps.store.listPodsOwnedBy(ds.metadata.uid ?? "")) });
  });
  api.use((req: Request, _res: Response, next: NextFunction) => {
    req.resume();
    next(pathNotFound());
  });
  r.use("/ui/api", api);

  r.get(["/ui/", "/ui/*file"], (req, res, next) => {
    const rel = req.path === "/ui/" ? "index.html" : req.path.slice("/ui/".length);
    const file = files.get(rel);
    if (!file) {
      if (rel === "index.html") {
        setSecurityHeaders(res, "no-store");
        res.status(503).type("text/plain").send("The dashboard is not built: run `npm run build`.\n");
        return;
      }
      next();
      return;
    }
    setSecurityHeaders(res, "no-cache");
    res.setHeader("Content-Type", file.contentType);
    res.setHeader("Content-Length", file.body.length);
    res.end(file.body);
  });
  return r;
}
