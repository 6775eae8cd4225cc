// Server-side printing: a list of objects as the meta.k8s.io/v1 Table kubectl renders.

import type { KubeObject } from "../../../shared/api-types.js";
import { REGISTRY } from "../kinds/index.js";
import type { ResourceName } from "../kinds/resources.js";
import { defaultPrinter } from "./other-printers.js";
import { cellValue, UNKNOWN_CELL, type Printer, type Table, type TableRow } from "./table-types.js";

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

/**
 * The Table for `objects` of `resource`: the API server's columns (wide ones with priority 1,
 * all cells always present), one row per object carrying its metadata (kubectl takes the
 * NAMESPACE column and `--show-labels` from it). `now` is the clock's time for the ages.
 */
export function buildTable(
  resource: ResourceName,
  objects: KubeObject[],
  options: { now: number; resourceVersion: string; continueToken?: string },
): Table {
  const printer = printerOf(resource);
  const rows = objects.map((object): TableRow => {
    const row: TableRow = {
      cells: cellsOf(printer, object, options.now),
      object: {
        kind: "PartialObjectMetadata",
        apiVersion: "meta.k8s.io/v1",
        metadata: structuredClone(object.metadata),
      },
    };
    const conditions = conditionsOf(printer, object);
    if (conditions) row.conditions = conditions;
    return row;
  });
  const metadata: Table["metadata"] = { resourceVersion: options.resourceVersion };
  if (options.continueToken) metadata.continue = options.continueToken;
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
