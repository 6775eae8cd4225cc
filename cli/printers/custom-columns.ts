// `-o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName`: one column per spec, each
// cell a JSONPath on the object; missing values print `<none>`.

import { EverynodeError } from "../../shared/errors.js";
import { evaluate, parsePath, valueText } from "./jsonpath.js";
import { renderCells } from "./table-printer.js";

/** One column: its header and its path. */
export interface CustomColumn {
  header: string;
  path: string;
}

/** Parses `HEADER:PATH,...` (the path may be wrapped in braces). */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (!spec) throw new EverynodeError("Usage", "custom-columns format specified but no custom columns given");
  return spec.split(",").map((part) => {
    const colon = part.indexOf(":");
    if (colon <= 0)
      throw new EverynodeError(
        "Usage",
        `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`,
      );
    let path = part.slice(colon + 1).trim();
    if (path.startsWith("{") && path.endsWith("}")) path = path.slice(1, -1);
    return { header: part.slice(0, colon), path };
  });
}

/** The cell of one object in one column: several matches are joined by commas. */
export function customCell(obj: unknown, column: CustomColumn): string {
  const values = evaluate(parsePath(column.path), obj).filter((v) => v !== undefined && v !== null);
  if (values.length === 0) return "<none>";
  return values.map(valueText).join(",");
}

/** Prints objects in custom columns, aligned like a table. */
export function printCustomColumns(objects: unknown[], spec: string, noHeaders = false): string {
  const columns = parseCustomColumns(spec);
  const rows = objects.map((o) => columns.map((c) => customCell(o, c)));
  return renderCells(
    columns.map((c) => c.header),
    rows,
    noHeaders,
  );
}
