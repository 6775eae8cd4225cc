// What one kind's file describes: its names, scope and verbs, where its schema comes from
// (an upstream definition, or everynode's own written in the same shape), the fields
// everynode adds, what is immutable, which fields a selector may name, and the hooks for
// defaults, validation and printing. Everything else (discovery, OpenAPI, strict fields,
// strategic merge keys) is derived from these.

import type { KubeObject } from "../../../shared/api-types.js";
import type { FieldError } from "../../../shared/errors.js";
import type { Printer } from "../tables/table-types.js";
import type { Definition, GroupVersionKind } from "../openapi/definitions.js";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

/** Every verb of a full resource, in the order discovery lists them. */
export const ALL_VERBS: readonly Verb[] = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];

export interface SubresourceDescription {
  name: string;
  verbs: readonly Verb[];
  /** What the subresource takes and answers, when it is not the kind itself (pods/eviction). */
  kind?: GroupVersionKind;
}

/**
 * Fields everynode adds to the kind's (upstream) schema, by the dotted path of the object
 * that gets them, from the kind's root: `"spec.updateStrategy.rollingUpdate"`. A path goes
 * through lists to their items. The object at the path must be a named definition; the
 * fields join that definition, so every kind that embeds it sees them. An overlay adds,
 * it never replaces an upstream field.
 */
export type Overlay = Readonly<Record<string, { properties: Record<string, Definition> }>>;

/** How a selectable field is read: a dotted path, or a function for computed fields. */
export type FieldGetter = string | ((object: KubeObject) => unknown);

/** The server-side behaviour the generic handlers call, pointing at the existing functions. */
export interface KindHooks {
  /** Fills in defaults; returns the object it was given or a copy. */
  defaults?(object: KubeObject): KubeObject;
  /** The problems of an object (create) or of an update from `old`. Empty means valid. */
  validate?(object: KubeObject, old?: KubeObject): FieldError[];
  /** What the object carries that is accepted but means nothing here: one `Warning` header each. */
  warnings?(object: KubeObject): string[];
  /** The columns and cells of `kubectl get`. */
  printer?: Printer<never>;
}

/** Who answers a kind's URLs. */
export type ServedBy =
  /** The generic handlers over the store: the kinds of RESOURCES (kinds/resources.ts). */
  | "store"
  /** A router of its own (everynode.io/v1 jointokens, node Leases). */
  | "router";

export interface KindDescription<R extends string = string, S extends ServedBy = ServedBy> {
  /** "" for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case: the URL segment (and, for stored kinds, the store's key). */
  resource: R;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  /** The verbs discovery advertises for the resource itself. */
  verbs: readonly Verb[];
  subresources: readonly SubresourceDescription[];
  servedBy: S;
  /**
   * A router's kind that discovery and OpenAPI list all the same (metrics.k8s.io: kubectl top
   * looks for the group in discovery). The store's kinds are always listed.
   */
  published?: boolean;
  /**
   * The kind's schema: the name of its definition, upstream (`io.k8s.api.apps.v1.DaemonSet`)
   * or one of `definitions`. The list kind's is the same name with `List` appended.
   */
  definition: string;
  /** everynode's own definitions, in the vendored shape ($refs may name upstream ones). */
  definitions?: Readonly<Record<string, Definition>>;
  overlay?: Overlay;
  /**
   * Dotted paths an update may not change (besides metadata.name, .namespace and .uid, which
   * no kind may). Documentation and a test's checklist: the validate hook enforces them.
   */
  immutable: readonly string[];
  /** The fields `?fieldSelector=` may name, besides metadata.name and metadata.namespace. */
  fieldSelectors: Readonly<Record<string, FieldGetter>>;
  hooks: KindHooks;
}

/** Keeps the literal resource name and server in the type, so that unions can be derived. */
export function defineKind<const R extends string, const S extends ServedBy>(
  kind: KindDescription<R, S>,
): KindDescription<R, S> {
  return kind;
}

/** `v1` or `apps/v1`. */
export function apiVersionOfKind(k: Pick<KindDescription, "group" | "version">): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

/** `api/v1` or `apis/apps/v1`: where the group version's URLs and OpenAPI v3 document are. */
export function groupVersionPath(k: Pick<KindDescription, "group" | "version">): string {
  return k.group ? `apis/${k.group}/${k.version}` : `api/${k.version}`;
}

/** The verbs of a subresource as Kubernetes serves them. */
export const STATUS: SubresourceDescription = { name: "status", verbs: ["get", "patch", "update"] };
export const LOG: SubresourceDescription = { name: "log", verbs: ["get"] };
/** kubectl drain evicts pods through it (everynode has no disruption budgets: it deletes). */
export const EVICTION: SubresourceDescription = {
  name: "eviction",
  verbs: ["create"],
  kind: { group: "policy", version: "v1", kind: "Eviction" },
};
/** A ServiceAccount's tokens: `kubectl create token` posts an authentication/v1 TokenRequest. */
export const TOKEN: SubresourceDescription = {
  name: "token",
  verbs: ["create"],
  kind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
};
