// The vendored Kubernetes definitions (OpenAPI v2 schema objects, by name) and the shape
// every kind's schema is written in, upstream or everynode's own. Loaded once, frozen.

import vendored from "./kubernetes-definitions.json" with { type: "json" };

/** A group/version/kind as the `x-kubernetes-group-version-kind` extension writes it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/**
 * A swagger 2.0 schema object, the form of Kubernetes' definitions. `$ref` points at another
 * definition (`#/definitions/<name>`); `x-` keys are Kubernetes' extensions.
 */
export interface Definition {
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  required?: string[];
  items?: Definition;
  properties?: Record<string, Definition>;
  additionalProperties?: Definition | boolean;
  enum?: unknown[];
  default?: unknown;
  "x-kubernetes-patch-merge-key"?: string;
  /** "merge", "retainKeys", "merge,retainKeys" or "replace". */
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-group-version-kind"?: GroupVersionKind[];
  [extension: `x-${string}`]: unknown;
}

export type Definitions = Readonly<Record<string, Definition>>;

/** Where the vendored definitions come from (see ./README.md). */
export interface Provenance {
  /** The npm package's page, and the package at its version. */
  source: string;
  package: string;
  kubernetesVersion: string;
  licence: string;
  generator: string;
  /** everynode's table of what the package does not carry (list and patch metadata). */
  facts: string;
  roots: string[];
}

export const REF_PREFIX = "#/definitions/";

/** `#/definitions/<name>` → `<name>`; undefined for anything else. */
export function refName(ref: string | undefined): string | undefined {
  return ref?.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

export const ref = (name: string): Definition => ({ $ref: `${REF_PREFIX}${name}` });

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const file = vendored as unknown as { provenance: Provenance; definitions: Record<string, Definition> };

/** The upstream definitions, shared by every registry; never changed (overlays copy). */
export const KUBERNETES_DEFINITIONS: Definitions = deepFreeze(file.definitions);
export const KUBERNETES_PROVENANCE: Readonly<Provenance> = deepFreeze(file.provenance);

/** The apimachinery meta/v1 package prefix. */
export const META_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1";
