// POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token: an authentication.k8s.io/v1
// TokenRequest, as `kubectl create token` sends it. Answers the request with its spec as
// granted and status.token. A bound object (a Pod or a Secret of the namespace) must exist,
// with the uid given, if any; the token dies with it.

import type { Request, Response } from "express";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import type { Secret, ServiceAccount } from "../../shared/config-types.js";
import { EverynodeError, errors, fieldError } from "../../shared/errors.js";
import { MIN_TOKEN_SECONDS } from "../auth/service-account-tokens.js";
import { validateTokenRequestSpec } from "../kube/validation/service-account.js";
import { asObject, readBody } from "./body.js";
import type { HandlerContext } from "./deps.js";
import { isDryRun } from "./object-checks.js";
import type { ResourceTarget } from "./request-target.js";
import { sendJson } from "./respond.js";

const API_VERSION = "authentication.k8s.io/v1";

function invalid(name: string, problems: ReturnType<typeof validateTokenRequestSpec>): EverynodeError {
  return errors.invalid("TokenRequest", "authentication.k8s.io", name, problems);
}

export async function handleTokenRequest(
  ctx: HandlerContext,
  req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
  current: KubeObject | undefined,
): Promise<void> {
  const body = asObject((await readBody(req, ctx.maxBodyBytes)) ?? {}, "TokenRequest");
  const name = target.name ?? "";
  const tokens = ctx.serviceAccountTokens;
  if (!tokens) throw new EverynodeError("ServiceUnavailable", "this server issues no ServiceAccount tokens");
  if (body["kind"] !== undefined && body["kind"] !== "TokenRequest")
    throw errors.badRequest(`a TokenRequest was expected, not ${JSON.stringify(body["kind"])}`);
  const spec = (body["spec"] ?? {}) as Record<string, unknown>;
  const problems = validateTokenRequestSpec(spec, MIN_TOKEN_SECONDS);
  if (problems.length > 0) throw invalid(name, problems);
  if (!current) throw errors.notFound("serviceaccounts", name);
  const ref = spec["boundObjectRef"] as { kind: "Pod" | "Secret"; name: string; uid?: string } | undefined;
  let pod: Pod | undefined;
  let secret: Secret | undefined;
  if (ref) {
    const bound = ctx.store.get(ref.kind === "Pod" ? "pods" : "secrets", target.namespace, ref.name);
    if (!bound) throw errors.notFound(ref.kind === "Pod" ? "pods" : "secrets", ref.name);
    if (ref.uid && ref.uid !== bound.metadata.uid)
      throw invalid(name, [
        fieldError.invalid(
          "spec.boundObjectRef.uid",
          ref.uid,
          `the ${ref.kind} "${ref.name}" has another uid`,
        ),
      ]);
    if (ref.kind === "Pod") pod = bound as Pod;
    else secret = bound as Secret;
  }
  const audiences = Array.isArray(spec["audiences"]) ? (spec["audiences"] as string[]) : [];
  const issued = tokens.issue(current as ServiceAccount, {
    audiences,
    ...(typeof spec["expirationSeconds"] === "number"
      ? { expirationSeconds: spec["expirationSeconds"] }
      : {}),
    ...(pod ? { pod } : {}),
    ...(secret ? { secret } : {}),
  });
  const metadata = {
    name,
    namespace: target.namespace,
    creationTimestamp: new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  sendJson(res, 201, {
    apiVersion: API_VERSION,
    kind: "TokenRequest",
    metadata,
    spec: {
      audiences: issued.audiences,
      expirationSeconds: issued.expirationSeconds,
      boundObjectRef: ref ?? null,
    },
    status: isDryRun(q)
      ? { token: "", expirationTimestamp: issued.expirationTimestamp }
      : { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
  });
}
