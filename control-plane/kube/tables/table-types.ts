// The meta.k8s.io/v1 Table shapes kubectl asks for with `Accept: ...;as=Table`, and the
// helpers every resource's printer shares.

import type { KubeObject, ObjectMeta } from "../../../shared/api-types.js";
import { humanAge } from "../../../shared/duration.js";

/** One column; `priority: 1` columns show only with `-o wide`. */
export interface TableColumnDefinition {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  /** "name" on the Name column makes `get all` print `pod/...` prefixes. */
  format: string;
  description: string;
  priority: number;
}

/** The Table versions kubectl asks for. */
export type TableVersion = "v1" | "v1beta1";

/**
 * What each row carries of its object (TableOptions.includeObject): its metadata (the
 * default; kubectl reads namespace and labels from it), the whole object (kubectl asks for it
 * with `--sort-by`, to sort by any field), or nothing.
 */
export type IncludeObject = "Object" | "Metadata" | "None";

export const INCLUDE_OBJECT_VALUES: readonly IncludeObject[] = ["Object", "Metadata", "None"];

/** A row's object under includeObject=Metadata. */
export interface PartialObjectMetadata {
  kind: "PartialObjectMetadata";
  apiVersion: `meta.k8s.io/${TableVersion}`;
  metadata: ObjectMeta;
}

/** A row condition, as the API server marks finished pods. */
export interface TableRowCondition {
  type: "Completed";
  status: "True";
  reason: string;
  message: string;
}

/** One object's cells, in column order. */
export interface TableRow {
  cells: (string | number)[];
  /** Per includeObject: the metadata, the whole object, or null (as Kubernetes sends it). */
  object: PartialObjectMetadata | KubeObject | null;
  conditions?: TableRowCondition[];
}

/** A server-side printed list or object. */
export interface Table {
  kind: "Table";
  apiVersion: `meta.k8s.io/${TableVersion}`;
  metadata: { resourceVersion: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** A column definition; `wide` sets priority 1. */
export function column(
  name: string,
  description: string,
  options: { type?: TableColumnDefinition["type"]; format?: string; wide?: boolean } = {},
): TableColumnDefinition {
  return {
    name,
    type: options.type ?? "string",
    format: options.format ?? "",
    description,
    priority: options.wide ? 1 : 0,
  };
}

/** The Name column every table starts with. */
export const nameColumn = (description = "Name must be unique within a namespace."): TableColumnDefinition =>
  column("Name", description, { format: "name" });

/** The Age column: the object's creation time. */
export const ageColumn = (): TableColumnDefinition => column("Age", "CreationTimestamp");

/** kubectl's age of a timestamp, `<unknown>` when there is none. */
export function ageSince(timestamp: string | undefined | null, now: number): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return "<unknown>";
  return humanAge(now - t);
}

/** What a cell that cannot be formatted from odd stored data prints. */
export const UNKNOWN_CELL = "<unknown>";

/** A cell as a Table may carry it: a string or a finite number; anything else is `<unknown>`. */
export function cellValue(v: unknown): string | number {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  return UNKNOWN_CELL;
}

/** One cell computed defensively: a formatter that throws on odd data gives `<unknown>`. */
export function safeCell(compute: () => unknown): string | number {
  try {
    return cellValue(compute());
  } catch {
    return UNKNOWN_CELL;
  }
}

/** `v` when it is a string, else undefined (stored objects may hold anything). */
export function asText(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** `v` when it is a list, else [] . */
export function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `<none>` for an empty cell, as kubectl prints absent values. */
export function orNone(value: string | undefined | null): string {
  return value ? value : "<none>";
}

/** `k=v` pairs sorted by key, comma-joined; `<none>` when empty (kubectl's FormatLabels). */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? "<none>" : entries.map(([k, v]) => `${k}=${v}`).join(",");
}

/** Computes a resource's cells for one object at time `now`. */
export interface Printer<T> {
  columns: TableColumnDefinition[];
  cells(object: T, now: number): (string | number)[];
  conditions?(object: T): TableRowCondition[] | undefined;
}
