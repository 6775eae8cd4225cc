// POST /agent/v1/pod-token: the endpoint through which an agent, with its node credential,
// gets the ServiceAccount token of a pod bound to its node (pod-token.ts decides), issued by
// the pod-token issuer: bound to the pod, its ServiceAccount and its node, 3607 s long. The
// agent mounts it and renews it before it expires.

import express from "express";
import type { Request, Response, Router } from "express";
import type { Pod } from "../../shared/api-types.js";
import type { ServiceAccount } from "../../shared/config-types.js";
import { EverynodeError, errors, isEverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { PodTokenRequest, PodTokenResponse } from "../../shared/protocol.js";
import { AGENT_LIMITS, AGENT_POD_TOKEN_PATH } from "../../shared/protocol.js";
import { readBody } from "../api/body.js";
import { MIN_TOKEN_SECONDS, type ServiceAccountTokens } from "../auth/service-account-tokens.js";
import type { TokenService } from "../auth/tokens.js";
import type { Store } from "../store/store.js";
import { decidePodToken, serviceAccountOf } from "./pod-token.js";

export interface PodTokenRouterDeps {
  tokens: Pick<TokenService, "authenticate">;
  serviceAccountTokens: Pick<ServiceAccountTokens, "issuePodToken">;
  store: Store;
  logger: Logger;
}

const MAX_BODY_BYTES = 4 * 1024;

function bearerOf(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  return m?.[1];
}

function requestOf(body: unknown): PodTokenRequest {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const ok = (v: unknown): v is string =>
    typeof v === "string" && v !== "" && v.length <= AGENT_LIMITS.nameBytes;
  if (!ok(b.namespace) || !ok(b.name) || !ok(b.uid))
    throw errors.badRequest("a pod token request names the pod: namespace, name and uid");
  const out: PodTokenRequest = { namespace: b.namespace, name: b.name, uid: b.uid };
  if (b.projected === true) {
    out.projected = true;
    if (b.audience !== undefined) {
      if (!ok(b.audience)) throw errors.badRequest("a projected token's audience is a string");
      out.audience = b.audience;
    }
    const seconds = b.expirationSeconds;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < MIN_TOKEN_SECONDS)
      throw errors.badRequest(
        `a projected token's expirationSeconds is an integer of at least ${MIN_TOKEN_SECONDS}`,
      );
    out.expirationSeconds = seconds;
  }
  return out;
}

export function createPodTokenRouter(deps: PodTokenRouterDeps): Router {
  const router = express.Router();
  router.post(AGENT_POD_TOKEN_PATH, async (req: Request, res: Response) => {
    try {
      // Authenticated before the body is read: an unknown caller gets nothing parsed.
      const principal = deps.tokens.authenticate(bearerOf(req));
      if (principal?.kind !== "node") throw errors.unauthorized("a node credential is required");
      const request = requestOf(await readBody(req, MAX_BODY_BYTES));
      const pod = deps.store.get<Pod>("pods", request.namespace, request.name);
      const sa = pod
        ? deps.store.get<ServiceAccount>("serviceaccounts", request.namespace, serviceAccountOf(pod))
        : undefined;
      const decision = decidePodToken(principal.nodeName, request, pod, sa);
      if (decision.kind === "refuse") {
        if (decision.code === "Forbidden")
          deps.logger.warn("pod token refused", { node: principal.nodeName, reason: decision.message });
        throw new EverynodeError(decision.code, decision.message);
      }
      let body: PodTokenResponse = { automount: false };
      if (decision.kind === "issue") {
        const options = request.projected
          ? {
              expirationSeconds: request.expirationSeconds ?? MIN_TOKEN_SECONDS,
              ...(request.audience ? { audiences: [request.audience] } : {}),
            }
          : {};
        const issued = pod ? deps.serviceAccountTokens.issuePodToken(pod, options) : undefined;
        if (!issued) throw errors.notFound("serviceaccounts", serviceAccountOf(pod as Pod));
        body = {
          automount: true,
          token: issued.token,
          ...(issued.expirationTimestamp ? { expirationTimestamp: issued.expirationTimestamp } : {}),
        };
      }
      res.status(200).json(body);
    } catch (e) {
      const err = isEverynodeError(e) ? e : errors.internal((e as Error).message ?? String(e), e);
      res.status(err.httpStatus).json(err.toStatus());
    }
  });
  return router;
}
