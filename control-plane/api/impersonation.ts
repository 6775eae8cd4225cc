// Impersonate-User / Impersonate-Group (kubectl --as, --as-group): the admin alone may act as
// another user, who then gets what RBAC grants that user and groups (a ServiceAccount's name,
// system:serviceaccount:<ns>:<name>, gets its groups too). Anyone else asking gets
// Kubernetes' 403. Mounted right after authentication.

import type { RequestHandler } from "express";
import { errors } from "../../shared/errors.js";
import { principalOf } from "./auth-middleware.js";
import { userName } from "./authorization.js";

const USER = "impersonate-user";
const GROUP = "impersonate-group";

function headerList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function impersonation(): RequestHandler {
  return (req, res, next) => {
    const names = Object.keys(req.headers).filter((h) => h.startsWith("impersonate-"));
    if (names.length === 0) {
      next();
      return;
    }
    const principal = principalOf(res);
    const user = headerList(req.headers[USER])[0];
    if (principal.kind !== "admin") {
      req.resume();
      const what = user !== undefined ? `users "${user}"` : "users";
      next(
        errors.forbidden(
          `${what} is forbidden: User "${userName(principal)}" cannot impersonate resource "users" in API group "" at the cluster scope`,
        ),
      );
      return;
    }
    if (user === undefined) {
      req.resume();
      next(
        errors.badRequest(
          "impersonating groups or extra fields requires impersonating a user (Impersonate-User)",
        ),
      );
      return;
    }
    const groups = headerList(req.headers[GROUP]);
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
    if (sa && groups.length === 0) groups.push("system:serviceaccounts", `system:serviceaccounts:${sa[1]}`);
    res.locals.principal = { kind: "user", name: user, groups };
    next();
  };
}
