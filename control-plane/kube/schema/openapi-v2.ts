// The OpenAPI v2 (swagger 2.0) document, for kubectl older than 1.29 and the apply step of
// newer ones: the kinds' upstream definitions (with the `x-kubernetes-patch-*` metadata
// kubectl 1.20 computes apply patches from) and one PATCH operation per kind. From 1.27 on,
// a PATCH whose `consumes` lacks strategic-merge-patch makes kubectl compute the patch from
// its compiled-in types; its `fieldValidation` parameter makes 1.27/1.28 validate
// server-side with `fieldValidation=Strict` instead of client-side.

import { EVERYNODE_VERSION, KUBERNETES_VERSION } from "../../../shared/version.js";
import type { KindDescription } from "../kinds/kind.js";
import { type Definition, META_V1, ref } from "../openapi/definitions.js";
import { PATCH_CONTENT_TYPES, schemaNameOf } from "./openapi-operations.js";
import { publishedKinds } from "./openapi-v3.js";
import { definitionNamed } from "./overlay.js";
import { reachableDefinitions } from "./reachable.js";
import { perRegistry, type Registry } from "./registry.js";

/** A swagger 2.0 parameter (body, query or path). */
export interface V2Parameter {
  name: string;
  in: "body" | "query" | "path";
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
  schema?: Definition;
}

/** A swagger 2.0 operation. */
export interface V2Operation {
  description?: string;
  operationId?: string;
  consumes?: string[];
  produces?: string[];
  parameters?: V2Parameter[];
  responses?: Record<string, { description: string; schema?: Definition }>;
  [extension: `x-${string}`]: unknown;
}

/** The swagger 2.0 document, JSON-shaped (only the parts everynode fills). */
export interface V2Document {
  swagger: "2.0";
  info: { title: string; version: string };
  paths: Record<string, { parameters?: V2Parameter[]; patch?: V2Operation }>;
  definitions: Record<string, Definition>;
}

const query = (name: string, description: string, type = "string"): V2Parameter => ({
  name,
  in: "query",
  description,
  type,
  uniqueItems: true,
});
const pathParam = (name: string, description: string): V2Parameter => ({
  name,
  in: "path",
  description,
  required: true,
  type: "string",
  uniqueItems: true,
});

function patchPath(k: KindDescription): [string, { parameters: V2Parameter[]; patch: V2Operation }] {
  const gv = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  const path = `${gv}${k.namespaced ? "/namespaces/{namespace}" : ""}/${k.resource}/{name}`;
  const scope = k.namespaced ? [pathParam("namespace", "object name and auth scope")] : [];
  const op: V2Operation = {
    description: `partially update the specified ${k.kind}`,
    operationId: `patch${k.kind}`,
    // No strategic-merge-patch here on purpose: see the top of this file.
    consumes: [...PATCH_CONTENT_TYPES],
    produces: ["application/json", "application/yaml"],
    parameters: [
      { name: "body", in: "body", required: true, schema: ref(`${META_V1}.Patch`) },
      query("dryRun", "All: check the request but persist nothing."),
      query("fieldManager", "The name of the actor making these changes."),
      query("fieldValidation", "Unknown or duplicate fields: Ignore, Warn or Strict."),
      query("force", "Force an apply request.", "boolean"),
    ],
    responses: { "200": { description: "OK", schema: ref(schemaNameOf(k)) } },
    "x-kubernetes-action": "patch",
    "x-kubernetes-group-version-kind": { group: k.group, kind: k.kind, version: k.version },
  };
  return [path, { parameters: [pathParam("name", `name of the ${k.kind}`), ...scope], patch: op }];
}

/** The document, built once per registry: callers must not change it. */
export const openApiV2Document = perRegistry((r: Registry): V2Document => {
  const kinds = publishedKinds(r);
  const roots = [`${META_V1}.Patch`, ...kinds.map((k) => schemaNameOf(k))];
  return {
    swagger: "2.0",
    info: {
      title: "everynode",
      version: `${KUBERNETES_VERSION.gitVersion} (everynode ${EVERYNODE_VERSION})`,
    },
    paths: Object.fromEntries(kinds.filter((k) => k.verbs.includes("patch")).map(patchPath)),
    definitions: Object.fromEntries(
      reachableDefinitions(r.definitions, roots).map((n) => [
        n,
        definitionNamed(r.definitions, n) as Definition,
      ]),
    ),
  };
});
