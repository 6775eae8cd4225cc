// Server-side printing (Table) for kubectl's human-readable `get`.

export type {
  IncludeObject,
  Table,
  TableVersion,
  TableColumnDefinition,
  TableRow,
  TableRowCondition,
  PartialObjectMetadata,
} from "./table-types.js";
export { INCLUDE_OBJECT_VALUES } from "./table-types.js";
export { buildTable, type BuildTableOptions } from "./build-table.js";
