// GET /apis/metrics.k8s.io/v1beta1/...: NodeMetrics and PodMetrics for kubectl top, made on
// request from the agents' latest usage samples (usage-board.ts) and the stored nodes and
// pods they belong to; label and field selectors apply to those stored objects, as
// metrics-server applies them. Read-only (get, list). Who may read: the admin, and RBAC
// subjects granted get/list on nodes or pods of metrics.k8s.io; a node's credential never.
// Mounted after authentication.

import { Router, type Request, type Response } from "express";
import type { Node, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import type { Clock } from "../../shared/clock.js";
import { errors, EverynodeError } from "../../shared/errors.js";
import { principalOf } from "../api/auth-middleware.js";
import { forbidden, isAllowed, type RequestAttributes } from "../api/authorization.js";
import { matchesFilter, parseFilter } from "../api/list-options.js";
import { boolParam, queryOf, sendJson } from "../api/respond.js";
import type { RbacAuthorizer } from "../auth/rbac.js";
import type { Store } from "../store/store.js";
import { metricsList, nodeMetrics, podMetrics, podSample } from "./metrics-objects.js";
import type { UsageBoard } from "./usage-board.js";

export const METRICS_GROUP = "metrics.k8s.io";
const BASE = `/apis/${METRICS_GROUP}/v1beta1`;

export interface MetricsApiDeps {
  store: Store;
  usage: Pick<UsageBoard, "of">;
  clock: Clock;
  rbac?: RbacAuthorizer;
}

function authorize(res: Response, a: Omit<RequestAttributes, "group">, rbac?: RbacAuthorizer): void {
  const principal = principalOf(res);
  const attributes: RequestAttributes = { ...a, group: METRICS_GROUP };
  // A node's figures are the fleet's business, not another node's: no node credential reads them.
  if (principal.kind === "node" || !isAllowed(principal, attributes, rbac))
    throw forbidden(principal, attributes);
}

function noWatch(req: Request): void {
  if (boolParam(queryOf(req), "watch"))
    throw new EverynodeError(
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
}

export function metricsApiRouter(deps: MetricsApiDeps): Router {
  const r = Router();
  const now = (): string => rfc3339(deps.clock.now());
  const of = (node: string) => deps.usage.of(node);

  const listNodes = (req: Request, res: Response, name?: string): void => {
    noWatch(req);
    authorize(res, { verb: name ? "get" : "list", resource: "nodes", ...(name ? { name } : {}) }, deps.rbac);
    const filter = parseFilter(queryOf(req), "nodes", name ? { name } : {});
    const at = now();
    const items = deps.store
      .list<Node>("nodes")
      .filter((n) => matchesFilter(filter, n))
      .flatMap((n) => {
        const sample = of(n.metadata.name ?? "");
        return sample ? [nodeMetrics(n, sample, at)] : [];
      });
    if (name === undefined) return sendJson(res, 200, metricsList("NodeMetricsList", items));
    if (!items[0]) throw errors.notFound("nodemetrics", name, METRICS_GROUP);
    sendJson(res, 200, items[0]);
  };

  const listPods = (req: Request, res: Response, namespace?: string, name?: string): void => {
    noWatch(req);
    const scope = { ...(namespace !== undefined ? { namespace } : {}), ...(name ? { name } : {}) };
    authorize(res, { verb: name ? "get" : "list", resource: "pods", ...scope }, deps.rbac);
    const filter = parseFilter(queryOf(req), "pods", scope);
    const at = now();
    const items = deps.store
      .list<Pod>("pods", namespace)
      .filter((p) => matchesFilter(filter, p))
      .flatMap((p) => {
        const found = podSample(p, of);
        return found ? [podMetrics(p, found.usage, found.sample, at)] : [];
      });
    if (name === undefined) return sendJson(res, 200, metricsList("PodMetricsList", items));
    if (!items[0]) throw errors.notFound("podmetrics", name, METRICS_GROUP);
    sendJson(res, 200, items[0]);
  };

  r.get(`${BASE}/nodes`, (req, res) => listNodes(req, res));
  r.get(`${BASE}/nodes/:name`, (req, res) => listNodes(req, res, String(req.params.name)));
  r.get(`${BASE}/pods`, (req, res) => listPods(req, res));
  r.get(`${BASE}/namespaces/:namespace/pods`, (req, res) => listPods(req, res, String(req.params.namespace)));
  r.get(`${BASE}/namespaces/:namespace/pods/:name`, (req, res) =>
    listPods(req, res, String(req.params.namespace), String(req.params.name)),
  );
  return r;
}
