// What a list or watch selects (namespace, name, label and field selectors) and how a list is
// cut into pages. The continue token is opaque to clients: base64url JSON of the list's
// revision and the last key (namespace/name) returned.

import type { KubeObject } from "../../shared/api-types.js";
import { errors } from "../../shared/errors.js";
import {
  type ResourceName,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "../kube/index.js";

/** Which objects a list or watch wants. */
export interface ObjectFilter {
  resource: ResourceName;
  namespace?: string;
  name?: string;
  labels: ReturnType<typeof parseLabelSelector>;
  fields: ReturnType<typeof parseFieldSelector>;
}

/** Builds the filter from the query; the selector parsers throw 400 on bad syntax. */
export function parseFilter(
  q: URLSearchParams,
  resource: ResourceName,
  scope: { namespace?: string; name?: string },
): ObjectFilter {
  const filter: ObjectFilter = {
    resource,
    labels: parseLabelSelector(q.get("labelSelector") ?? ""),
    fields: parseFieldSelector(q.get("fieldSelector") ?? "", resource),
  };
  if (scope.namespace !== undefined) filter.namespace = scope.namespace;
  if (scope.name !== undefined) filter.name = scope.name;
  return filter;
}

/** Whether an object passes the filter. */
export function matchesFilter(filter: ObjectFilter, object: KubeObject): boolean {
  if (filter.namespace !== undefined && object.metadata.namespace !== filter.namespace) return false;
  if (filter.name !== undefined && object.metadata.name !== filter.name) return false;
  if (!matchesLabels(filter.labels, object.metadata.labels ?? {})) return false;
  return matchesFields(filter.fields, object, filter.resource);
}

/** Position of a continued list. */
export interface ContinueState {
  revision: number;
  namespace: string;
  name: string;
}

/** Encodes the position after the last item of a page. */
export function encodeContinue(state: ContinueState): string {
  return Buffer.from(
    JSON.stringify({ v: 1, rv: state.revision, ns: state.namespace, n: state.name }),
  ).toString("base64url");
}

/** Decodes a continue token; a token this server did not make is a 400. */
export function decodeContinue(token: string): ContinueState {
  try {
    const raw = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Record<string, unknown>;
    if (
      raw.v === 1 &&
      typeof raw.rv === "number" &&
      typeof raw.ns === "string" &&
      typeof raw.n === "string"
    ) {
      return { revision: raw.rv, namespace: raw.ns, name: raw.n };
    }
  } catch {
    // fall through to the 400
  }
  throw errors.badRequest("invalid continue token: the token was not issued by this server");
}

function keyOf(o: KubeObject): [string, string] {
  return [o.metadata.namespace ?? "", o.metadata.name ?? ""];
}

function compareKeys(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** The revision the list (or its first page) was taken at. */
  revision: number;
  continueToken?: string;
  remainingItemCount?: number;
}

/**
 * Cuts sorted, filtered items into a page. `limit` 0 or absent means all. The revision of a
 * continued list stays that of its first page, so a client sees one list version.
 */
export function paginate<T extends KubeObject>(
  items: T[],
  revision: number,
  limit: number | undefined,
  token: string | undefined,
): Page<T> {
  let rest = [...items].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  let listRevision = revision;
  if (token) {
    const state = decodeContinue(token);
    listRevision = state.revision;
    const after: [string, string] = [state.namespace, state.name];
    rest = rest.filter((o) => compareKeys(keyOf(o), after) > 0);
  }
  if (!limit || limit <= 0 || rest.length <= limit) return { items: rest, revision: listRevision };
  const page = rest.slice(0, limit);
  const last = page[page.length - 1] as T;
  const [namespace, name] = keyOf(last);
  return {
    items: page,
    revision: listRevision,
    continueToken: encodeContinue({ revision: listRevision, namespace, name }),
    remainingItemCount: rest.length - limit,
  };
}

/** Parses `limit`: a non-negative integer, or 400. */
export function parseLimit(q: URLSearchParams): number | undefined {
  const raw = q.get("limit");
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid limit: ${JSON.stringify(raw)}`);
  return n;
}
