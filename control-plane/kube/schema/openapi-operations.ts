// The paths and operations of the OpenAPI v3 document of a group version, from each kind's
// verbs and subresources. kubectl apply looks for a PATCH operation whose
// x-kubernetes-group-version-kind is the object's and whose parameters include
// `fieldValidation`; finding it, it skips client-side validation and sends
// `fieldValidation=Strict`.
//
// The PATCH request bodies deliberately do not list application/strategic-merge-patch+json:
// kubectl then computes apply patches from its compiled-in types (with the real merge keys)
// rather than from the served schemas. (Now that the schemas carry upstream's patch
// metadata, offering it is possible; that is a separate change, to be tried with each kubectl.)

import type { KindDescription, Verb } from "../kinds/kind.js";
import { groupVersionPath } from "../kinds/kind.js";
import { META_V1 } from "../openapi/definitions.js";

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** The definition name of a kind or its list (the path's schemas point at these). */
export const schemaNameOf = (k: KindDescription, list = false): string =>
  list ? `${k.definition}List` : k.definition;

/** `core`, `apps`, `coordination` (of coordination.k8s.io): how tags and operation ids name a group. */
const groupWord = (k: KindDescription): string => k.group.split(".")[0] || "core";

/** `CoreV1`, `AppsV1`: the middle of Kubernetes' operation ids. */
function opGroup(k: KindDescription): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(groupWord(k))}${cap(k.version)}`;
}

const param = (name: string, where: "path" | "query", description: string, type = "string"): Json => ({
  name,
  in: where,
  ...(where === "path" ? { required: true } : {}),
  description,
  schema: { type, uniqueItems: true },
});
const query = (name: string, description: string, type = "string"): Json =>
  param(name, "query", description, type);
const PARAM = {
  name: param("name", "path", "name of the object"),
  namespace: param("namespace", "path", "object name and auth scope"),
  pretty: query("pretty", "If 'true', the output is pretty printed."),
  dryRun: query("dryRun", "All: check the request but persist nothing."),
  fieldManager: query("fieldManager", "The name of the actor making these changes."),
  fieldValidation: query("fieldValidation", "Unknown or duplicate fields: Ignore, Warn or Strict."),
  force: query("force", "Force an apply request.", "boolean"),
  gracePeriodSeconds: query("gracePeriodSeconds", "Seconds before the object is deleted.", "integer"),
  propagationPolicy: query("propagationPolicy", "Garbage collection: Orphan, Background or Foreground."),
  labelSelector: query("labelSelector", "Restrict the list by labels."),
  fieldSelector: query("fieldSelector", "Restrict the list by fields."),
  limit: query("limit", "The most items to return.", "integer"),
  continue: query("continue", "The token of the next page."),
  resourceVersion: query("resourceVersion", "Where a list or watch starts."),
  timeoutSeconds: query("timeoutSeconds", "Timeout for the list or watch.", "integer"),
  watch: query("watch", "Watch for changes.", "boolean"),
  allowWatchBookmarks: query("allowWatchBookmarks", "Send BOOKMARK events.", "boolean"),
};
const LIST_PARAMS = [
  PARAM.allowWatchBookmarks,
  PARAM.continue,
  PARAM.fieldSelector,
  PARAM.labelSelector,
  PARAM.limit,
  PARAM.resourceVersion,
  PARAM.timeoutSeconds,
  PARAM.watch,
];
const WRITE_PARAMS = [PARAM.dryRun, PARAM.fieldManager, PARAM.fieldValidation];
/** The patch types the PATCH operations accept (see the top of this file). */
export const PATCH_CONTENT_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/apply-patch+yaml",
];

const jsonContent = (schema: Json, types = ["application/json", "application/yaml"]): Json =>
  Object.fromEntries(types.map((t) => [t, { schema }]));
const ok = (schema: Json, code = "200"): Json => ({
  [code]: { description: "OK", content: jsonContent(schema) },
  "401": { description: "Unauthorized" },
});

function operation(k: KindDescription, action: string, verb: string, kindPart: string, extra: Json): Json {
  return {
    tags: [`${groupWord(k)}_${k.version}`],
    description: `${action} ${kindPart}`,
    operationId: `${verb}${opGroup(k)}${kindPart}`,
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { group: k.group, version: k.version, kind: k.kind },
    ...extra,
  };
}

/** get/put/patch/delete on an object (suffix "") or get/put/patch on its status, as `verbs` allow. */
function itemOps(k: KindDescription, suffix: "" | "Status", verbs: readonly Verb[]): Json {
  const kindPart = `${k.namespaced ? "Namespaced" : ""}${k.kind}${suffix}`;
  const self = ref(schemaNameOf(k));
  const ops: Json = {};
  if (verbs.includes("get")) ops["get"] = operation(k, "get", "read", kindPart, { responses: ok(self) });
  if (verbs.includes("update"))
    ops["put"] = operation(k, "put", "replace", kindPart, {
      parameters: WRITE_PARAMS,
      requestBody: { content: jsonContent(self), required: true },
      responses: ok(self),
    });
  if (verbs.includes("patch"))
    ops["patch"] = operation(k, "patch", "patch", kindPart, {
      parameters: [...WRITE_PARAMS, PARAM.force],
      requestBody: { content: jsonContent(ref(`${META_V1}.Patch`), PATCH_CONTENT_TYPES), required: true },
      responses: ok(self),
    });
  if (suffix === "" && verbs.includes("delete"))
    ops["delete"] = operation(k, "delete", "delete", kindPart, {
      parameters: [PARAM.dryRun, PARAM.gracePeriodSeconds, PARAM.propagationPolicy],
      requestBody: { content: jsonContent(ref(`${META_V1}.DeleteOptions`)) },
      responses: ok(ref(`${META_V1}.Status`)),
    });
  return ops;
}

function collectionOps(k: KindDescription): Json {
  const kindPart = `${k.namespaced ? "Namespaced" : ""}${k.kind}`;
  const ops: Json = {};
  if (k.verbs.includes("list"))
    ops["get"] = operation(k, "list", "list", kindPart, {
      parameters: LIST_PARAMS,
      responses: ok(ref(schemaNameOf(k, true))),
    });
  if (k.verbs.includes("create"))
    ops["post"] = operation(k, "post", "create", kindPart, {
      parameters: WRITE_PARAMS,
      requestBody: { content: jsonContent(ref(schemaNameOf(k))), required: true },
      responses: ok(ref(schemaNameOf(k)), "201"),
    });
  if (k.verbs.includes("deletecollection"))
    ops["delete"] = operation(k, "deletecollection", "delete", `Collection${kindPart}`, {
      parameters: LIST_PARAMS,
      responses: ok(ref(`${META_V1}.Status`)),
    });
  return ops;
}

/** The paths of one kind: collection, item, all-namespaces list, status and log, as it serves them. */
export function pathsOfKind(k: KindDescription): Json {
  const base = `/${groupVersionPath(k)}${k.namespaced ? "/namespaces/{namespace}" : ""}/${k.resource}`;
  const scope = k.namespaced ? [PARAM.namespace, PARAM.pretty] : [PARAM.pretty];
  const item = [PARAM.name, ...scope];
  const paths: Json = {};
  const add = (path: string, ops: Json, parameters: Json[]) => {
    if (Object.keys(ops).length > 0) paths[path] = { ...ops, parameters };
  };
  add(base, collectionOps(k), scope);
  add(`${base}/{name}`, itemOps(k, "", k.verbs), item);
  if (k.namespaced && k.verbs.includes("list")) {
    const all = operation(k, "list", "list", `${k.kind}ForAllNamespaces`, {
      parameters: LIST_PARAMS,
      responses: ok(ref(schemaNameOf(k, true))),
    });
    add(`/${groupVersionPath(k)}/${k.resource}`, { get: all }, [PARAM.pretty]);
  }
  for (const sub of k.subresources) {
    if (sub.name === "status") add(`${base}/{name}/status`, itemOps(k, "Status", sub.verbs), item);
    if (sub.name === "log") {
      const get = operation(k, "get", "read", `Namespaced${k.kind}Log`, {
        parameters: ["container", "follow", "previous", "sinceSeconds", "tailLines", "timestamps"].map((n) =>
          query(n, `log option ${n}`),
        ),
        responses: {
          "200": { description: "OK", content: { "text/plain": { schema: { type: "string" } } } },
        },
      });
      add(`${base}/{name}/log`, { get }, item);
    }
  }
  return paths;
}
