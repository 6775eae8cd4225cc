// The join-token API: a small Kubernetes-shaped group `everynode.io/v1` with one
// cluster-scoped resource, `jointokens`, for the admin only. It lets a person make a token
// for each machine they join, see which ones exist and revoke them. The secret leaves the
// server once, in the answer to the POST that made it; lists and reads never carry it.
//
// The router authenticates for itself and parses its own bodies, so that it works when
// mounted before the API's authentication and body handling.

import express from "express";
import type { NextFunction, Request, Response, Router } from "express";
import type { Status } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { rfc3339 } from "../../shared/clock.js";
import { parseDuration } from "../../shared/duration.js";
import type { FieldError } from "../../shared/errors.js";
import { EverynodeError, errors, fieldError, isEverynodeError } from "../../shared/errors.js";
import { formatJoinToken, splitBearer } from "../../shared/join-token.js";
import type { Logger } from "../../shared/logger.js";
import type { Credential } from "../store/store.js";
import type { Pki } from "./pki.js";
import type { Authenticator } from "./principal.js";
import type { TokenService } from "./tokens.js";

export const JOIN_TOKEN_GROUP = "everynode.io";
export const JOIN_TOKEN_API_VERSION = "everynode.io/v1";
export const JOIN_TOKEN_RESOURCE = "jointokens";
/** The collection's path; an item is `${JOIN_TOKENS_PATH}/<id>`. */
export const JOIN_TOKENS_PATH = `/apis/${JOIN_TOKEN_API_VERSION}/${JOIN_TOKEN_RESOURCE}`;
/** Longest description kept (a note for people, not a document store). */
export const MAX_DESCRIPTION_LENGTH = 256;

/** A join token as the API shows it. */
export interface JoinTokenObject {
  apiVersion: typeof JOIN_TOKEN_API_VERSION;
  kind: "JoinToken";
  metadata: { name: string; creationTimestamp: string };
  spec: { description?: string; expires?: string };
  /** `token` (the full join token) is only in the answer to the POST that made it. */
  status: { expired: boolean; token?: string };
}

export interface JoinTokenList {
  apiVersion: typeof JOIN_TOKEN_API_VERSION;
  kind: "JoinTokenList";
  metadata: Record<string, never>;
  items: JoinTokenObject[];
}

/** What a POST asks for, once checked. */
export interface CreateRequest {
  ttlMs?: number;
  description?: string;
}

/** The API object of a stored join token (never its secret or hash). */
export function toJoinTokenObject(cred: Credential, now: number): JoinTokenObject {
  const spec: JoinTokenObject["spec"] = {};
  if (cred.description !== undefined) spec.description = cred.description;
  if (cred.expiresAt !== undefined) spec.expires = rfc3339(cred.expiresAt);
  return {
    apiVersion: JOIN_TOKEN_API_VERSION,
    kind: "JoinToken",
    metadata: { name: cred.id, creationTimestamp: rfc3339(cred.createdAt) },
    spec,
    status: { expired: cred.expiresAt !== undefined && cred.expiresAt <= now },
  };
}

/** The list answer: oldest first, then by id, so the order is stable. */
export function toJoinTokenList(creds: Credential[], now: number): JoinTokenList {
  const items = [...creds]
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    .map((c) => toJoinTokenObject(c, now));
  return { apiVersion: JOIN_TOKEN_API_VERSION, kind: "JoinTokenList", metadata: {}, items };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Checks a POST body `{"spec":{"ttl"?: "24h", "description"?: "..."}}`. A ttl of zero means
 * the token never expires (as kubeadm's `--ttl 0`); an empty body makes such a token too.
 */
export function parseCreateRequest(body: unknown): CreateRequest {
  const problems: FieldError[] = [];
  const out: CreateRequest = {};
  const root = body === undefined || body === null ? {} : body;
  if (!isObject(root)) {
    problems.push(fieldError.invalid("<body>", root, "must be a JSON object"));
  } else if (root.spec !== undefined && root.spec !== null && !isObject(root.spec)) {
    problems.push(fieldError.invalid("spec", root.spec, "must be an object"));
  } else {
    const spec = isObject(root.spec) ? root.spec : {};
    const ttl = spec.ttl;
    if (ttl !== undefined && ttl !== null) {
      const ms = typeof ttl === "string" ? durationOrUndefined(ttl) : undefined;
      if (ms === undefined)
        problems.push(fieldError.invalid("spec.ttl", ttl, "must be a duration such as 30m, 24h or 7d"));
      else if (ms > 0) out.ttlMs = ms;
    }
    const description = spec.description;
    if (description !== undefined && description !== null) {
      if (typeof description !== "string")
        problems.push(fieldError.invalid("spec.description", description, "must be a string"));
      else if (description.length > MAX_DESCRIPTION_LENGTH)
        problems.push(fieldError.tooLong("spec.description", MAX_DESCRIPTION_LENGTH));
      else if (description !== "") out.description = description;
    }
  }
  if (problems.length > 0) throw errors.invalid("JoinToken", JOIN_TOKEN_GROUP, "", problems);
  return out;
}

function durationOrUndefined(text: string): number | undefined {
  try {
    const ms = parseDuration(text);
    return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

export interface TokenRouterDeps {
  tokens: TokenService;
  authenticator: Authenticator;
  pki: Pki;
  clock: Clock;
  logger: Logger;
}

function sendError(res: Response, err: unknown, logger: Logger): void {
  const e = isEverynodeError(err) ? err : errors.internal((err as Error).message ?? String(err), err);
  if (!isEverynodeError(err)) logger.error("join token request failed", { err: e });
  res.status(e.httpStatus).json(e.toStatus());
}

function bearerOf(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

function findJoinToken(tokens: TokenService, id: string): Credential {
  const cred = tokens.listJoinTokens().find((c) => c.id === id);
  if (!cred) throw errors.notFound(JOIN_TOKEN_RESOURCE, id, JOIN_TOKEN_GROUP);
  return cred;
}

/** Serves `everynode.io/v1` jointokens (list, create, get, delete) to the admin principal. */
export function createTokenRouter(deps: TokenRouterDeps): Router {
  const router = express.Router();
  const log = deps.logger.child({ component: "join-tokens" });
  const group = `/apis/${JOIN_TOKEN_GROUP}`;

  // Admin only: a node or a joining agent has no business with other machines' tokens.
  router.use(group, (req: Request, res: Response, next: NextFunction) => {
    const principal = deps.authenticator.authenticate(bearerOf(req.headers.authorization));
    if (!principal) return sendError(res, errors.unauthorized("Unauthorized"), log);
    if (principal.kind !== "admin") {
      const who =
        principal.kind === "node"
          ? `system:node:${principal.nodeName}`
          : principal.kind === "metrics"
            ? "the metrics token"
            : "a join token";
      return sendError(
        res,
        errors.forbidden(
          `${JOIN_TOKEN_RESOURCE}.${JOIN_TOKEN_GROUP} is forbidden: ${who} may not ${req.method.toLowerCase()} join tokens; only the admin may`,
        ),
        log,
      );
    }
    next();
  });

  router.get(JOIN_TOKENS_PATH, (_req, res) => {
    res.json(toJoinTokenList(deps.tokens.listJoinTokens(), deps.clock.now()));
  });

  router.post(
    JOIN_TOKENS_PATH,
    express.json({ limit: "64kb", type: () => true }),
    (req: Request, res: Response) => {
      try {
        const ask = parseCreateRequest(req.body);
        const made = deps.tokens.createJoinToken(ask);
        const parts = splitBearer(made.bearer);
        if (!parts) throw errors.internal("the token service made a malformed join token");
        const item = toJoinTokenObject(findJoinToken(deps.tokens, made.id), deps.clock.now());
        item.status.token = formatJoinToken({ caHash: deps.pki.caHash, ...parts });
        log.info("join token created", { id: made.id, expires: item.spec.expires ?? "never" });
        res.status(201).json(item);
      } catch (e) {
        sendError(res, e, log);
      }
    },
  );

  router.get(`${JOIN_TOKENS_PATH}/:id`, (req: Request<{ id: string }>, res: Response) => {
    try {
      res.json(toJoinTokenObject(findJoinToken(deps.tokens, req.params.id), deps.clock.now()));
    } catch (e) {
      sendError(res, e, log);
    }
  });

  router.delete(`${JOIN_TOKENS_PATH}/:id`, (req: Request<{ id: string }>, res: Response) => {
    const id = req.params.id;
    if (!deps.tokens.deleteToken(id))
      return sendError(res, errors.notFound(JOIN_TOKEN_RESOURCE, id, JOIN_TOKEN_GROUP), log);
    log.info("join token deleted", { id });
    const body: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name: id, group: JOIN_TOKEN_GROUP, kind: JOIN_TOKEN_RESOURCE },
      code: 200,
    };
    res.status(200).json(body);
  });

  // Known paths with other verbs; then anything else in the group is not found.
  router.all([JOIN_TOKENS_PATH, `${JOIN_TOKENS_PATH}/:id`], (req, res) => {
    const e = new EverynodeError(
      "MethodNotAllowed",
      `the server does not allow this method on the requested resource (${req.method.toLowerCase()} ${JOIN_TOKEN_RESOURCE}.${JOIN_TOKEN_GROUP})`,
    );
    sendError(res, e, log);
  });
  router.use(group, (req, res) => {
    req.resume();
    sendError(
      res,
      new EverynodeError("NotFound", `the server could not find the requested resource (${req.originalUrl})`),
      log,
    );
  });

  // Body errors of the POST (malformed JSON, too large) as a Status.
  router.use(JOIN_TOKENS_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    const e =
      status === 413
        ? new EverynodeError("RequestEntityTooLarge", "the join token request is too large")
        : errors.badRequest(`the join token request body is not valid JSON: ${(err as Error).message}`);
    sendError(res, e, log);
  });

  return router;
}
