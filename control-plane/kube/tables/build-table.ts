// Server-side printing: a list of objects as the meta.k8s.io/v1 Table kubectl renders.

import type { KubeObject } from "../../../shared/api-types.js";
import { REGISTRY } from "../kinds/index.js";
import type { ResourceName } from "../kinds/resources.js";
import { defaultPrinter } from "./other-printers.js";
import {
  cellValue,
  UNKNOWN_CELL,
  type IncludeObject,
  type Printer,
  type Table,
  type TableRow,
  type TableVersion,
} from "./table-types.js";

/** The printer of a kind: its kind file's `hooks.printer`. */
function printerOf(resource: ResourceName): Printer<KubeObject> {
  const printer = REGISTRY.byResource(resource)?.hooks.printer;
  return (printer as Printer<KubeObject> | undefined) ?? defaultPrinter;
}

/**
 * One object's cells. Stored objects may hold odd data (written before validation caught it,
 * or by a path that does not validate): one such object must never fail a whole list, so a
 * printer that throws gives a row of `<unknown>` behind the name.
 */
function cellsOf(printer: Printer<KubeObject>, object: KubeObject, now: number): (string | number)[] {
  try {
    return printer.cells(object, now).map(cellValue);
  } catch {
    const name = typeof object.metadata?.name === "string" ? object.metadata.name : UNKNOWN_CELL;
    return printer.columns.map((c) => (c.format === "name" ? name : UNKNOWN_CELL));
  }
}

function conditionsOf(printer: Printer<KubeObject>, object: KubeObject): TableRow["conditions"] {
  try {
    return printer.conditions?.(object);
  } catch {
    return undefined;
  }
}

/** What a row carries of `object`, per includeObject. */
function rowObject(object: KubeObject, include: IncludeObject, version: TableVersion): TableRow["object"] {
  switch (include) {
    case "Object":
      return object;
    case "None":
      return null;
    case "Metadata":
      return {
        kind: "PartialObjectMetadata",
        apiVersion: `meta.k8s.io/${version}`,
        metadata: structuredClone(object.metadata),
      };
  }
}

export interface BuildTableOptions {
  /** The clock's time, for the ages. */
  now: number;
  resourceVersion: string;
  continueToken?: string;
  /** Default v1. */
  version?: TableVersion;
  /**
   * What each row carries of its object; default Metadata. With Object, `objects` should
   * carry their kind and apiVersion, as clients read them.
   */
  includeObject?: IncludeObject;
}

/**
 * The Table for `objects` of `resource`: the API server's columns (wide ones with priority 1,
 * all cells always present), one row per object carrying its metadata, the whole object or
 * nothing, as includeObject says.
 */
export function buildTable(resource: ResourceName, objects: KubeObject[], options: BuildTableOptions): Table {
  const printer = printerOf(resource);
  const version = options.version ?? "v1";
  const include = options.includeObject ?? "Metadata";
  const rows = objects.map((object): TableRow => {
    const row: TableRow = {
      cells: cellsOf(printer, object, options.now),
      object: rowObject(object, include, version),
    };
    const conditions = conditionsOf(printer, object);
    if (conditions) row.conditions = conditions;
    return row;
  });
  const metadata: Table["metadata"] = { resourceVersion: options.resourceVersion };
  if (options.continueToken) metadata.continue = options.continueToken;
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
