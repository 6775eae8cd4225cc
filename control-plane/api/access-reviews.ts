// authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview: what
// `kubectl auth can-i` and `kubectl auth can-i --list` ask. Any authenticated caller (but a
// join token) may ask about itself; the answer is the authorizer's own decision
// (authorization.ts), so it never differs from what the request itself would get.

import { Router, type Request, type Response } from "express";
import type { Store } from "../store/store.js";
import type { Principal } from "../auth/principal.js";
import type { PolicyRule, RbacAuthorizer } from "../auth/rbac.js";
import { errors } from "../../shared/errors.js";
import { principalOf } from "./auth-middleware.js";
import {
  isAllowed,
  mayReadNonResource,
  rbacCallerOf,
  type RequestAttributes,
  type Verb,
} from "./authorization.js";
import { asObject, readBody } from "./body.js";
import { sendJson } from "./respond.js";
import { RESOURCES, type ResourceName } from "../kube/index.js";

const GROUP_VERSION = "authorization.k8s.io/v1";
export const SELF_ACCESS_REVIEW_PATH = `/apis/${GROUP_VERSION}/selfsubjectaccessreviews`;
export const SELF_RULES_REVIEW_PATH = `/apis/${GROUP_VERSION}/selfsubjectrulesreviews`;

/** What every authenticated caller may do besides its grants (system:basic-user, system:discovery). */
const EVERYONE: { resourceRules: PolicyRule[]; nonResourceRules: PolicyRule[] } = {
  resourceRules: [
    {
      verbs: ["create"],
      apiGroups: ["authorization.k8s.io"],
      resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    },
  ],
  nonResourceRules: [
    {
      verbs: ["get"],
      nonResourceURLs: [
        "/api",
        "/api/*",
        "/apis",
        "/apis/*",
        "/openapi",
        "/openapi/*",
        "/version",
        "/version/",
        "/healthz",
        "/livez",
        "/readyz",
      ],
    },
  ],
};

/** The rules of the callers whose rights are fixed in code: a summary `kubectl auth can-i --list` prints. */
function fixedRules(
  p: Principal,
): { resourceRules: PolicyRule[]; nonResourceRules: PolicyRule[]; incomplete: boolean } | undefined {
  if (p.kind === "admin")
    return {
      resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
      nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
      incomplete: false,
    };
  if (p.kind === "node")
    return {
      // Its own Node and the pods bound to it only: the exact rule depends on the object.
      resourceRules: [
        { verbs: ["list", "watch"], apiGroups: [""], resources: ["nodes"] },
        {
          verbs: ["get", "update", "patch", "delete"],
          apiGroups: [""],
          resources: ["nodes"],
          resourceNames: [p.nodeName],
        },
        {
          verbs: ["get", "update", "patch"],
          apiGroups: [""],
          resources: ["nodes/status"],
          resourceNames: [p.nodeName],
        },
        { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
        { verbs: ["get", "update", "patch"], apiGroups: [""], resources: ["pods/status"] },
        { verbs: ["create"], apiGroups: [""], resources: ["events"] },
      ],
      nonResourceRules: [],
      incomplete: true,
    };
  if (p.kind === "metrics")
    return {
      resourceRules: [],
      nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/metrics"] }],
      incomplete: false,
    };
  return undefined;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export function accessReviewRoutes(deps: { store: Store; rbac: RbacAuthorizer }): Router {
  const r = Router();
  const begin = async (
    req: Request,
    res: Response,
  ): Promise<{ principal: Principal; body: Record<string, unknown> }> => {
    const principal = principalOf(res);
    if (principal.kind === "join") {
      req.resume();
      throw errors.forbidden(`a join token may only register an agent`);
    }
    return { principal, body: asObject((await readBody(req, 1024 * 1024)) ?? {}, "the review") };
  };

  r.post(SELF_ACCESS_REVIEW_PATH, async (req, res) => {
    const { principal, body } = await begin(req, res);
    const spec = (body["spec"] ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const ra = spec["resourceAttributes"];
    const nra = spec["nonResourceAttributes"];
    let allowed: boolean;
    if (ra) {
      const resource = str(ra["resource"]);
      const a: RequestAttributes = { verb: str(ra["verb"]) as Verb, resource, group: str(ra["group"]) };
      if (str(ra["subresource"])) a.subresource = str(ra["subresource"]);
      if (str(ra["namespace"])) a.namespace = str(ra["namespace"]);
      if (str(ra["name"])) {
        a.name = str(ra["name"]);
        if (Object.hasOwn(RESOURCES, resource)) {
          const object = deps.store.get(resource as ResourceName, a.namespace, a.name);
          if (object) a.object = object;
        }
      }
      allowed = isAllowed(principal, a, deps.rbac);
    } else if (nra) {
      allowed = mayReadNonResource(principal, str(nra["path"]), str(nra["verb"]) || "get", deps.rbac);
    } else {
      throw errors.invalid("SelfSubjectAccessReview", "authorization.k8s.io", "", [
        {
          type: "FieldValueRequired",
          field: "spec.resourceAttributes",
          message:
            "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
        },
      ]);
    }
    sendJson(res, 201, {
      apiVersion: GROUP_VERSION,
      kind: "SelfSubjectAccessReview",
      metadata: { creationTimestamp: null },
      spec,
      status: allowed ? { allowed: true, reason: "allowed by everynode's authorizer" } : { allowed: false },
    });
  });

  r.post(SELF_RULES_REVIEW_PATH, async (req, res) => {
    const { principal, body } = await begin(req, res);
    const spec = (body["spec"] ?? {}) as Record<string, unknown>;
    const namespace = str(spec["namespace"]);
    let status = fixedRules(principal);
    if (!status) {
      const caller = rbacCallerOf(principal);
      const rules = caller ? deps.rbac.rulesFor(caller, namespace || undefined) : [];
      status = {
        resourceRules: [...EVERYONE.resourceRules, ...rules.filter((x) => !(x.nonResourceURLs ?? []).length)],
        nonResourceRules: [
          ...EVERYONE.nonResourceRules,
          ...rules.filter((x) => (x.nonResourceURLs ?? []).length),
        ],
        incomplete: false,
      };
    }
    sendJson(res, 201, {
      apiVersion: GROUP_VERSION,
      kind: "SelfSubjectRulesReview",
      metadata: { creationTimestamp: null },
      spec,
      status: {
        resourceRules: status.resourceRules.map((x) => ({
          verbs: x.verbs ?? [],
          apiGroups: x.apiGroups ?? [],
          resources: x.resources ?? [],
          ...(x.resourceNames ? { resourceNames: x.resourceNames } : {}),
        })),
        nonResourceRules: status.nonResourceRules.map((x) => ({
          verbs: x.verbs ?? [],
          nonResourceURLs: x.nonResourceURLs ?? [],
        })),
        incomplete: status.incomplete,
      },
    });
  });
  return r;
}
