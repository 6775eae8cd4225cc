// The OpenAPI v3 documents kubectl fetches: `/openapi/v3` (an index with a hash per group
// version) and `/openapi/v3/<api/v1|apis/apps/v1|…>`, with the paths the kinds serve and,
// as components, the upstream definitions they reach (so `kubectl explain` shows upstream's
// descriptions, and everynode's overlays and own kinds alike).

import { createHash } from "node:crypto";
import { EVERYNODE_VERSION, KUBERNETES_VERSION } from "../../../shared/version.js";
import { groupVersionPath, type KindDescription } from "../kinds/kind.js";
import { type Definition, type Definitions, REF_PREFIX } from "../openapi/definitions.js";
import { definitionNamed } from "./overlay.js";
import { pathsOfKind } from "./openapi-operations.js";
import { reachableDefinitions, refsIn } from "./reachable.js";
import { perRegistry, type Registry } from "./registry.js";

const V3_PREFIX = "#/components/schemas/";

/**
 * A v2 schema as a v3 one: references point at components, and a reference with siblings
 * (a description) becomes `allOf: [{$ref}]` beside them, as the API server writes it (v3
 * ignores siblings of $ref).
 */
export function toV3Schema(def: Definition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(def)) {
    if (key === "$ref") continue;
    if ((key === "items" || key === "additionalProperties") && typeof value === "object" && value !== null)
      out[key] = toV3Schema(value as Definition);
    else if (key === "properties")
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Definition>).map(([k, v]) => [k, toV3Schema(v)]),
      );
    else out[key] = value;
  }
  if (def.$ref === undefined) return out;
  const target = { $ref: def.$ref.replace(REF_PREFIX, V3_PREFIX) };
  return Object.keys(out).length === 0 ? target : { allOf: [target], ...out };
}

// In v3 the API server writes these scalars as a oneOf of their JSON types (v2 has one type
// and a format), so that kubectl explain names them: <IntOrString>, <Quantity>.
const ONE_OF: Record<string, string[]> = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": ["integer", "string"],
  "io.k8s.apimachinery.pkg.api.resource.Quantity": ["string", "number"],
};

/** A named definition as a v3 component schema. */
export function toV3Component(name: string, def: Definition): Record<string, unknown> {
  const schema = toV3Schema(def);
  const types = Object.hasOwn(ONE_OF, name) ? ONE_OF[name] : undefined;
  if (types === undefined) return schema;
  const { type: _type, ...rest } = schema;
  return { ...rest, oneOf: types.map((t) => ({ type: t })) };
}

/**
 * The kinds published in OpenAPI and discovery: those the generic handlers serve, and the
 * router kinds marked `published` (metrics.k8s.io). Leases and JoinTokens have routers of
 * their own and stay out (their kind files say why).
 */
export const publishedKinds = (r: Registry): KindDescription[] =>
  r.kinds.filter((k) => k.servedBy === "store" || k.published === true);

function documentOf(defs: Definitions, kinds: KindDescription[]): object {
  const paths = Object.assign({}, ...kinds.map(pathsOfKind)) as Record<string, unknown>;
  const roots = [...refsIn(paths)].map((r) => r.slice(V3_PREFIX.length));
  const schemas = Object.fromEntries(
    reachableDefinitions(defs, roots).map((n) => [
      n,
      toV3Component(n, definitionNamed(defs, n) as Definition),
    ]),
  );
  return {
    openapi: "3.0.0",
    info: {
      title: "everynode",
      version: `${KUBERNETES_VERSION.gitVersion} (everynode ${EVERYNODE_VERSION})`,
    },
    paths,
    components: { schemas },
  };
}

interface V3Documents {
  byGroupVersion: Map<string, object>;
  hashes: Map<string, string>;
}

const documents = perRegistry((r: Registry): V3Documents => {
  const byGroupVersion = new Map<string, object>();
  const hashes = new Map<string, string>();
  const kinds = publishedKinds(r);
  for (const gv of new Set(kinds.map(groupVersionPath))) {
    const doc = documentOf(
      r.definitions,
      kinds.filter((k) => groupVersionPath(k) === gv),
    );
    byGroupVersion.set(gv, doc);
    hashes.set(gv, createHash("sha512").update(JSON.stringify(doc)).digest("hex").toUpperCase());
  }
  return { byGroupVersion, hashes };
});

/**
 * The document of one group version (`api/v1`, `apis/apps/v1`), built once per registry;
 * undefined for a group version not served. Callers must not change it.
 */
export function openApiV3Document(registry: Registry, groupVersion: string): object | undefined {
  return documents(registry).byGroupVersion.get(groupVersion);
}

/** `GET /openapi/v3`: where each group version's document is, with a hash clients cache by. */
export function openApiV3Index(registry: Registry): object {
  const { hashes } = documents(registry);
  return {
    paths: Object.fromEntries(
      [...hashes].map(([gv, hash]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` }]),
    ),
  };
}
