// OpenAPI v3, only as much as kubectl needs. `kubectl apply` looks for a PATCH operation
// whose x-kubernetes-group-version-kind is the object's and whose parameters include
// `fieldValidation`; finding it, it skips client-side validation and sends
// `fieldValidation=Strict`. Without these documents apply fails ("failed to download openapi").
//
// The PATCH request bodies deliberately do not list application/strategic-merge-patch+json:
// kubectl then computes apply patches from its compiled-in types (with the real merge keys)
// instead of from these schemas, which carry no patch metadata.

import { createHash } from "node:crypto";
import { ALL_RESOURCES, type ResourceInfo } from "../kube/index.js";
import { EVERYNODE_VERSION, KUBERNETES_VERSION } from "../../shared/version.js";

type Json = Record<string, unknown>;

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const str = (description: string): Json => ({ type: "string", description });

function gvPathOf(r: ResourceInfo): string {
  return r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
}

const schemaName = (r: ResourceInfo, list = false): string =>
  `io.k8s.api.${r.group || "core"}.${r.version}.${list ? r.listKind : r.kind}`;

/** `CoreV1`, `AppsV1`: the middle of Kubernetes' operation ids. */
function opGroup(r: ResourceInfo): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(r.group || "core")}${cap(r.version)}`;
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

const jsonContent = (schema: Json, types = ["application/json", "application/yaml"]): Json =>
  Object.fromEntries(types.map((t) => [t, { schema }]));
const ok = (schema: Json, code = "200"): Json => ({
  [code]: { description: "OK", content: jsonContent(schema) },
  "401": { description: "Unauthorized" },
});

function operation(r: ResourceInfo, action: string, verb: string, kindPart: string, extra: Json): Json {
  return {
    tags: [`${r.group || "core"}_${r.version}`],
    description: `${action} ${kindPart}`,
    operationId: `${verb}${opGroup(r)}${kindPart}`,
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { group: r.group, version: r.version, kind: r.kind },
    ...extra,
  };
}

/** get/put/patch (and delete, for the object itself) on an object or its status. */
function itemOps(r: ResourceInfo, suffix: "" | "Status"): Json {
  const kindPart = `${r.namespaced ? "Namespaced" : ""}${r.kind}${suffix}`;
  const self = ref(schemaName(r));
  const ops: Json = {
    get: operation(r, "get", "read", kindPart, { responses: ok(self) }),
    put: operation(r, "put", "replace", kindPart, {
      parameters: WRITE_PARAMS,
      requestBody: { content: jsonContent(self), required: true },
      responses: ok(self),
    }),
    patch: operation(r, "patch", "patch", kindPart, {
      parameters: [...WRITE_PARAMS, PARAM.force],
      requestBody: {
        content: jsonContent(ref(`${META}.Patch`), [
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/apply-patch+yaml",
        ]),
        required: true,
      },
      responses: ok(self),
    }),
  };
  if (suffix === "") {
    ops["delete"] = operation(r, "delete", "delete", kindPart, {
      parameters: [PARAM.dryRun, PARAM.gracePeriodSeconds, PARAM.propagationPolicy],
      requestBody: { content: jsonContent(ref(`${META}.DeleteOptions`)) },
      responses: ok(ref(`${META}.Status`)),
    });
  }
  return ops;
}

function collectionOps(r: ResourceInfo): Json {
  const kindPart = `${r.namespaced ? "Namespaced" : ""}${r.kind}`;
  return {
    get: operation(r, "list", "list", kindPart, {
      parameters: LIST_PARAMS,
      responses: ok(ref(schemaName(r, true))),
    }),
    post: operation(r, "post", "create", kindPart, {
      parameters: WRITE_PARAMS,
      requestBody: { content: jsonContent(ref(schemaName(r))), required: true },
      responses: ok(ref(schemaName(r)), "201"),
    }),
    delete: operation(r, "deletecollection", "delete", `Collection${kindPart}`, {
      parameters: LIST_PARAMS,
      responses: ok(ref(`${META}.Status`)),
    }),
  };
}

function pathsFor(r: ResourceInfo): Json {
  const base = `/${gvPathOf(r)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.resource}`;
  const scope = r.namespaced ? [PARAM.namespace, PARAM.pretty] : [PARAM.pretty];
  const item = [PARAM.name, ...scope];
  const paths: Json = {
    [base]: { ...collectionOps(r), parameters: scope },
    [`${base}/{name}`]: { ...itemOps(r, ""), parameters: item },
  };
  if (r.namespaced) {
    const all = operation(r, "list", "list", `${r.kind}ForAllNamespaces`, {
      parameters: LIST_PARAMS,
      responses: ok(ref(schemaName(r, true))),
    });
    paths[`/${gvPathOf(r)}/${r.resource}`] = { get: all, parameters: [PARAM.pretty] };
  }
  if (r.subresources.includes("status"))
    paths[`${base}/{name}/status`] = { ...itemOps(r, "Status"), parameters: item };
  if (r.subresources.includes("log")) {
    paths[`${base}/{name}/log`] = {
      get: operation(r, "get", "read", `Namespaced${r.kind}Log`, {
        parameters: ["container", "follow", "previous", "sinceSeconds", "tailLines", "timestamps"].map((n) =>
          query(n, `log option ${n}`),
        ),
        responses: {
          "200": { description: "OK", content: { "text/plain": { schema: { type: "string" } } } },
        },
      }),
      parameters: item,
    };
  }
  return paths;
}

/** Top-level fields beyond apiVersion/kind/metadata, for `kubectl explain`. */
function bodyFields(r: ResourceInfo): Json {
  const open = (description: string): Json => ({
    type: "object",
    description,
    "x-kubernetes-preserve-unknown-fields": true,
  });
  if (r.resource === "events") {
    return {
      involvedObject: open("The object that this event is about."),
      reason: str("Why the action was taken."),
      message: str("A human-readable description."),
      type: str("Normal or Warning."),
      count: { type: "integer" },
    };
  }
  if (r.resource === "controllerrevisions")
    return {
      data: open("The serialized state of this revision."),
      revision: { type: "integer", format: "int64" },
    };
  return {
    spec: open(`The desired state of the ${r.kind}.`),
    status: open(`The observed state of the ${r.kind}.`),
  };
}

function schemasFor(resources: ResourceInfo[]): Json {
  const schemas: Json = {
    [`${META}.ObjectMeta`]: {
      type: "object",
      description: "Standard object metadata.",
      "x-kubernetes-preserve-unknown-fields": true,
    },
    [`${META}.ListMeta`]: {
      type: "object",
      properties: { resourceVersion: str("Version of the list."), continue: str("Token for the next page.") },
    },
    [`${META}.Patch`]: { type: "object", description: "A patch body in one of the accepted patch types." },
    [`${META}.DeleteOptions`]: { type: "object", properties: { propagationPolicy: str("How to collect.") } },
    [`${META}.Status`]: {
      type: "object",
      properties: { status: str("Success or Failure."), message: str("Why.") },
    },
  };
  for (const r of resources) {
    const gvk = [{ group: r.group, version: r.version, kind: r.kind }];
    const typeFields = {
      apiVersion: str("The versioned schema of this object."),
      kind: str("The REST resource this object represents."),
    };
    schemas[schemaName(r)] = {
      type: "object",
      description: `${r.kind} as everynode serves it.`,
      properties: { ...typeFields, metadata: ref(`${META}.ObjectMeta`), ...bodyFields(r) },
      "x-kubernetes-group-version-kind": gvk,
    };
    schemas[schemaName(r, true)] = {
      type: "object",
      description: `A list of ${r.kind} objects.`,
      required: ["items"],
      properties: {
        ...typeFields,
        metadata: ref(`${META}.ListMeta`),
        items: { type: "array", items: ref(schemaName(r)) },
      },
      "x-kubernetes-group-version-kind": [{ ...gvk[0], kind: r.listKind }],
    };
  }
  return schemas;
}

/**
 * The OpenAPI v3 document of one group version (`api/v1` or `apis/apps/v1`): collection, item,
 * status and log paths for every resource in it; undefined for a group version not served.
 */
export function openApiV3Document(groupVersion: string): object | undefined {
  const resources = ALL_RESOURCES.filter((r) => gvPathOf(r) === groupVersion);
  if (resources.length === 0) return undefined;
  return {
    openapi: "3.0.0",
    info: {
      title: "everynode",
      version: `${KUBERNETES_VERSION.gitVersion} (everynode ${EVERYNODE_VERSION})`,
    },
    paths: Object.assign({}, ...resources.map(pathsFor)) as Json,
    components: { schemas: schemasFor(resources) },
  };
}

const hashes = new Map<string, string>();

/** A hash of the document, stable while the served types stay the same (clients cache by it). */
function documentHash(groupVersion: string): string {
  let hash = hashes.get(groupVersion);
  if (hash === undefined) {
    hash = createHash("sha512")
      .update(JSON.stringify(openApiV3Document(groupVersion)))
      .digest("hex")
      .toUpperCase();
    hashes.set(groupVersion, hash);
  }
  return hash;
}

/** `GET /openapi/v3`: where each group version's document is. */
export function openApiV3Index(): object {
  const gvs = [...new Set(ALL_RESOURCES.map(gvPathOf))];
  return {
    paths: Object.fromEntries(
      gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${documentHash(gv)}` }]),
    ),
  };
}
