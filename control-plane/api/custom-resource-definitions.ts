// GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions: an empty list. everynode has no
// CRDs, but kubectl's client-side validation lists them for any kind the OpenAPI document
// does not know (a Service, a ServiceMonitor in an upstream manifest); a 404 there makes
// kubectl refuse the whole file ("failed to check CRD"), an empty list gives each such
// object kubectl's usual "no matches for kind" while the rest is applied.

import { Router } from "express";
import { sendJson } from "./respond.js";

export const CRD_LIST_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

export function customResourceDefinitionRoutes(): Router {
  const r = Router();
  r.get(CRD_LIST_PATH, (_req, res) => {
    sendJson(res, 200, {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinitionList",
      metadata: { resourceVersion: "0" },
      items: [],
    });
  });
  return r;
}
