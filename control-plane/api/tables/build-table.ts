// Server-side printing: a list of objects as the meta.k8s.io/v1 Table kubectl renders.

import type { KubeObject } from "../../../shared/api-types.js";
import type { ResourceName } from "../../../shared/resources.js";
import { daemonSetPrinter } from "./daemonset-printer.js";
import { nodePrinter } from "./node-printer.js";
import { controllerRevisionPrinter, eventPrinter, namespacePrinter } from "./other-printers.js";
import { podPrinter } from "./pod-printer.js";
import type { Printer, Table, TableRow } from "./table-types.js";

const PRINTERS: Record<ResourceName, Printer<never>> = {
  nodes: nodePrinter,
  pods: podPrinter,
  daemonsets: daemonSetPrinter,
  namespaces: namespacePrinter,
  events: eventPrinter,
  controllerrevisions: controllerRevisionPrinter,
};

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
  const printer = PRINTERS[resource] as unknown as Printer<KubeObject>;
  const rows = objects.map((object): TableRow => {
    const row: TableRow = {
      cells: printer.cells(object, options.now),
      object: {
        kind: "PartialObjectMetadata",
        apiVersion: "meta.k8s.io/v1",
        metadata: structuredClone(object.metadata),
      },
    };
    const conditions = printer.conditions?.(object);
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
