// Authentication: every request past the public routes carries `Authorization: Bearer <token>`
// that the Authenticator accepts; otherwise a 401 Status. The principal is kept on
// res.locals for the handlers.

import type { RequestHandler, Response } from "express";
import { errors } from "../../shared/errors.js";
import type { Authenticator, Principal } from "../auth/principal.js";

/** The bearer token of an Authorization header, if it has one. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** Rejects requests without an accepted token; stores the principal otherwise. */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return (req, res, next) => {
    const principal = authenticator.authenticate(bearerToken(req.headers.authorization));
    if (!principal) {
      next(errors.unauthorized("Unauthorized"));
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

/** The principal authenticate() stored. */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw errors.unauthorized("Unauthorized");
  return p;
}
