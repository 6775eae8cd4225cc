// Paths served without a token (version and health), and the discovery and OpenAPI documents
// served to any authenticated agent or admin. kubectl needs discovery to map kinds to URLs and
// the OpenAPI v3 documents to send `fieldValidation=Strict` on apply.

import { Router } from "express";
import { EverynodeError } from "../../shared/errors.js";
import { KUBERNETES_VERSION } from "../../shared/version.js";
import { principalOf } from "./auth-middleware.js";
import { forbiddenPath, mayReadNonResource } from "./authorization.js";
import {
  AGGREGATED_CONTENT_TYPE_V2,
  AGGREGATED_CONTENT_TYPE_V2BETA1,
  negotiateDiscovery,
} from "./discovery.js";
import {
  aggregatedDiscovery,
  apiResourceList,
  legacyApiGroupList,
  legacyApiVersions,
  openApiV2Document,
  openApiV2Protobuf,
  openApiV3Document,
  openApiV3Index,
  apiVersionOfKind,
  groupVersionPath,
  REGISTRY,
} from "../kube/index.js";
import { OPENAPI_V2_PROTOBUF, acceptsOpenApiV2Protobuf } from "./openapi-v2.js";
import { sendJson } from "./respond.js";

/** The 404 for a path nothing serves. */
export function pathNotFound(): EverynodeError {
  return new EverynodeError("NotFound", "the server could not find the requested resource", { details: {} });
}

/** /version, /healthz, /livez, /readyz: no token needed. */
export function publicRoutes(): Router {
  const r = Router();
  r.get("/version", (_req, res) => sendJson(res, 200, KUBERNETES_VERSION));
  for (const path of ["/healthz", "/livez", "/readyz"]) {
    r.get(path, (_req, res) => {
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("ok");
    });
  }
  return r;
}

/** `/api/v1`, `/apis/apps/v1`: the group versions whose resource lists discovery serves. */
const GROUP_VERSION_PATHS = new Set(
  REGISTRY.kinds
    .filter((k) => apiResourceList(REGISTRY, apiVersionOfKind(k)))
    .map((k) => `/${groupVersionPath(k)}`),
);

/** Discovery and OpenAPI, after authentication. */
export function discoveryRoutes(serverAddress: string | undefined): Router {
  const r = Router();
  r.use((req, res, next) => {
    const p = req.path;
    if (
      p === "/api" ||
      p === "/apis" ||
      GROUP_VERSION_PATHS.has(p) ||
      p.startsWith("/openapi") ||
      p === "/swagger-2.0.0.pb-v1"
    ) {
      const principal = principalOf(res);
      if (!mayReadNonResource(principal, p)) {
        next(forbiddenPath(principal, "get", p));
        return;
      }
    }
    next();
  });
  for (const group of ["api", "apis"] as const) {
    r.get(`/${group}`, (req, res) => {
      const mode = negotiateDiscovery(req.headers.accept ?? "");
      if (mode === "legacy") {
        const address = serverAddress ?? req.headers.host ?? "127.0.0.1";
        sendJson(
          res,
          200,
          group === "api" ? legacyApiVersions(REGISTRY, address) : legacyApiGroupList(REGISTRY),
        );
        return;
      }
      const type = mode === "v2" ? AGGREGATED_CONTENT_TYPE_V2 : AGGREGATED_CONTENT_TYPE_V2BETA1;
      sendJson(res, 200, aggregatedDiscovery(REGISTRY, group, mode), type);
    });
  }
  // The legacy resource list of each served group version; other paths go on to the routers.
  r.get(["/api/:version", "/apis/:group/:version"], (req, res, next) => {
    const { group, version } = req.params as { group?: string; version: string };
    const list = apiResourceList(REGISTRY, group ? `${group}/${version}` : version);
    if (list) sendJson(res, 200, list);
    else next();
  });
  r.get("/openapi/v3", (_req, res) => sendJson(res, 200, openApiV3Index(REGISTRY)));
  // One document per group version the registry publishes (`api/v1`, `apis/apps/v1`).
  r.get("/openapi/v3/*groupVersion", (req, res) => {
    const segments = (req.params as { groupVersion: string[] }).groupVersion;
    const doc = openApiV3Document(REGISTRY, segments.join("/"));
    if (!doc) throw pathNotFound();
    sendJson(res, 200, doc);
  });
  // kubectl before 1.29 asks for protobuf; the legacy path only ever served protobuf.
  r.get(["/openapi/v2", "/swagger-2.0.0.pb-v1"], async (req, res) => {
    if (req.path === "/openapi/v2" && !acceptsOpenApiV2Protobuf(req.headers.accept)) {
      sendJson(res, 200, openApiV2Document(REGISTRY));
      return;
    }
    const body = await openApiV2Protobuf(REGISTRY);
    res.statusCode = 200;
    res.setHeader("Content-Type", OPENAPI_V2_PROTOBUF);
    res.setHeader("Content-Length", body.length);
    res.end(body);
  });
  return r;
}
