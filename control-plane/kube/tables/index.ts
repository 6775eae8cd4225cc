// Server-side printing (Table) for kubectl's human-readable `get`.

export type {
  Table,
  TableColumnDefinition,
  TableRow,
  TableRowCondition,
  PartialObjectMetadata,
} from "./table-types.js";
export { buildTable } from "./build-table.js";
