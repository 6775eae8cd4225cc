// DeleteOptions as Kubernetes reads them: from the query (gracePeriodSeconds,
// propagationPolicy, orphanDependents), then from the body, whose fields win. Every field is
// applied or refused: a value of the wrong type is a 400, a policy Kubernetes does not know
// (or orphanDependents together with propagationPolicy) a 422 naming the field, an unknown
// body field a 400. dryRun is read by the API's own isDryRun. Pure.

import { errors, fieldError, type FieldError } from "../../shared/errors.js";

export type PropagationPolicy = "Orphan" | "Background" | "Foreground";
export const PROPAGATION_POLICIES: readonly PropagationPolicy[] = ["Orphan", "Background", "Foreground"];

export interface DeleteOptions {
  /** Seconds the object may take to go; negative values count as 1, as in Kubernetes. */
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  /** The deprecated form of propagationPolicy Orphan (true) or Background (false). */
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

const BODY_FIELDS = new Set([
  "kind",
  "apiVersion",
  "gracePeriodSeconds",
  "preconditions",
  "orphanDependents",
  "propagationPolicy",
  "dryRun",
  "ignoreStoreReadErrorWithClusterBreakingPotential",
]);

function integer(value: unknown, where: string): number {
  const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw errors.badRequest(`${where}: gracePeriodSeconds must be an integer, not ${JSON.stringify(value)}`);
  }
  return n;
}

function bool(value: unknown, where: string, field: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  throw errors.badRequest(`${where}: ${field} must be true or false, not ${JSON.stringify(value)}`);
}

function readQuery(q: URLSearchParams, into: DeleteOptions): void {
  const grace = q.get("gracePeriodSeconds");
  if (grace !== null) into.gracePeriodSeconds = integer(grace, "query parameter");
  const policy = q.get("propagationPolicy");
  if (policy !== null) into.propagationPolicy = policy as PropagationPolicy;
  const orphan = q.get("orphanDependents");
  if (orphan !== null) into.orphanDependents = bool(orphan, "query parameter", "orphanDependents");
}

function readBody(body: Record<string, unknown>, into: DeleteOptions): void {
  const unknown = Object.keys(body).filter((k) => !BODY_FIELDS.has(k));
  if (unknown.length > 0) {
    throw errors.badRequest(
      `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")} in DeleteOptions`,
    );
  }
  const where = "DeleteOptions";
  if (body.gracePeriodSeconds !== undefined && body.gracePeriodSeconds !== null)
    into.gracePeriodSeconds = integer(body.gracePeriodSeconds, where);
  if (body.propagationPolicy !== undefined && body.propagationPolicy !== null) {
    if (typeof body.propagationPolicy !== "string")
      throw errors.badRequest(`${where}: propagationPolicy must be a string`);
    into.propagationPolicy = body.propagationPolicy as PropagationPolicy;
  }
  if (body.orphanDependents !== undefined && body.orphanDependents !== null)
    into.orphanDependents = bool(body.orphanDependents, where, "orphanDependents");
  const risky = body.ignoreStoreReadErrorWithClusterBreakingPotential;
  if (risky !== undefined && risky !== null && risky !== false) {
    throw errors.invalid("DeleteOptions", "", "", [
      fieldError.forbidden(
        "ignoreStoreReadErrorWithClusterBreakingPotential",
        "everynode has no corrupt objects to delete unsafely",
      ),
    ]);
  }
  const pre = body.preconditions;
  if (pre !== undefined && pre !== null) {
    if (typeof pre !== "object" || Array.isArray(pre))
      throw errors.badRequest(`${where}: preconditions must be an object`);
    const p = pre as Record<string, unknown>;
    const extra = Object.keys(p).filter((k) => k !== "uid" && k !== "resourceVersion");
    if (extra.length > 0)
      throw errors.badRequest(
        `strict decoding error: unknown field "preconditions.${extra[0]}" in DeleteOptions`,
      );
    const out: { uid?: string; resourceVersion?: string } = {};
    for (const key of ["uid", "resourceVersion"] as const) {
      const v = p[key];
      if (v === undefined || v === null || v === "") continue;
      if (typeof v !== "string") throw errors.badRequest(`${where}: preconditions.${key} must be a string`);
      out[key] = v;
    }
    into.preconditions = out;
  }
}

/** The request's DeleteOptions; throws the 400 or 422 Kubernetes answers. */
export function parseDeleteOptions(
  q: URLSearchParams,
  body: Record<string, unknown> | undefined,
): DeleteOptions {
  const options: DeleteOptions = {};
  readQuery(q, options);
  if (body) readBody(body, options);
  const problems: FieldError[] = [];
  if (options.propagationPolicy !== undefined && !PROPAGATION_POLICIES.includes(options.propagationPolicy)) {
    problems.push(
      fieldError.notSupported("propagationPolicy", options.propagationPolicy, [...PROPAGATION_POLICIES]),
    );
  }
  if (options.propagationPolicy !== undefined && options.orphanDependents !== undefined) {
    problems.push(
      fieldError.invalid(
        "propagationPolicy",
        options.propagationPolicy,
        "orphanDependents and deletionPropagation cannot be both set",
      ),
    );
  }
  if (problems.length > 0) throw errors.invalid("DeleteOptions", "", "", problems);
  return options;
}
