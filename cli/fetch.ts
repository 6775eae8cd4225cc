// Reading objects and Tables from the API: one item, or a list in one namespace or all.

import type { ApiClient } from "./api-client.js";
import { TABLE_ACCEPT } from "./api-client.js";
import type { KubeList, KubeObject } from "../shared/api-types.js";
import type { ResourceInfo } from "../control-plane/kube/index.js";
import { apiVersionOf } from "../control-plane/kube/index.js";
import { humanAge } from "../shared/duration.js";
import type { Table } from "./printers/table-printer.js";
import { resourcePath } from "./resource-args.js";

/** Where and how to list. */
export interface ListScope {
  /** undefined: all namespaces. */
  namespace: string | undefined;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Fills in kind and apiVersion, which list items come without. */
export function withTypeMeta<T extends KubeObject>(obj: T, info: ResourceInfo): T {
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(info), kind: obj.kind ?? info.kind } as T;
}

/** A NAME/AGE Table built from objects, for a server that does not answer with Tables. */
export function fallbackTable(objects: KubeObject[], nowMs: number, resourceVersion?: string): Table {
  return {
    kind: "Table",
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: [
      { name: "Name", type: "string", format: "name", priority: 0 },
      { name: "Age", type: "string", format: "", priority: 0 },
    ],
    rows: objects.map((o) => ({
      cells: [
        o.metadata.name,
        o.metadata.creationTimestamp
          ? humanAge(nowMs - Date.parse(o.metadata.creationTimestamp))
          : "<unknown>",
      ],
      object: { metadata: o.metadata },
    })),
  };
}

function asTable(body: unknown, nowMs: number): Table {
  const b = body as Table & KubeList & KubeObject;
  if (b.kind === "Table") return b;
  if (Array.isArray(b.items)) return fallbackTable(b.items, nowMs, b.metadata?.resourceVersion);
  return fallbackTable([b], nowMs);
}

/** Lists objects (typed) of one type. */
export async function listObjects<T extends KubeObject = KubeObject>(
  client: ApiClient,
  info: ResourceInfo,
  scope: ListScope,
): Promise<KubeList<T>> {
  const list = await client.json<KubeList<T>>("GET", resourcePath(info, scope.namespace), {
    query: { labelSelector: scope.labelSelector, fieldSelector: scope.fieldSelector },
  });
  return { ...list, items: (list.items ?? []).map((i) => withTypeMeta(i, info)) };
}

/** Gets one object. */
export async function getObject<T extends KubeObject = KubeObject>(
  client: ApiClient,
  info: ResourceInfo,
  namespace: string,
  name: string,
): Promise<T> {
  return withTypeMeta(await client.json<T>("GET", resourcePath(info, namespace, name)), info);
}

/** Lists as a Table. */
export async function listTable(
  client: ApiClient,
  info: ResourceInfo,
  scope: ListScope,
  nowMs: number,
): Promise<Table> {
  const body = await client.json("GET", resourcePath(info, scope.namespace), {
    accept: TABLE_ACCEPT,
    query: { labelSelector: scope.labelSelector, fieldSelector: scope.fieldSelector },
  });
  return asTable(body, nowMs);
}

/** Gets one object as a one-row Table. */
export async function getTable(
  client: ApiClient,
  info: ResourceInfo,
  namespace: string,
  name: string,
  nowMs: number,
): Promise<Table> {
  return asTable(
    await client.json("GET", resourcePath(info, namespace, name), { accept: TABLE_ACCEPT }),
    nowMs,
  );
}
