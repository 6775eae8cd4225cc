// Prints the server's Table responses as kubectl prints them: upper-cased headers, wide-only
// columns with -o wide, a NAMESPACE column with -A, `kind/` name prefixes for several types,
// LABELS with --show-labels, aligned like kubectl's tabwriter.

import { GET_TABS, alignTabs, columnWidths, padRow } from "./tabwriter.js";

/** The part of a meta.k8s.io/v1 Table the printer reads. */
export interface Table {
  kind?: string;
  columnDefinitions: { name: string; type?: string; format?: string; priority?: number }[];
  rows?: {
    cells: unknown[];
    object?: { metadata?: { namespace?: string; labels?: Record<string, string>; name?: string } };
  }[];
  metadata?: { resourceVersion?: string };
}

export interface TableOptions {
  wide?: boolean;
  withNamespace?: boolean;
  /** `pod`, `daemonset.apps`: prefix of the Name column when several types are printed. */
  kindPrefix?: string;
  showLabels?: boolean;
  noHeaders?: boolean;
}

/** kubectl's `k=v,k2=v2` (sorted), or `<none>`. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? "<none>" : keys.map((k) => `${k}=${labels?.[k] ?? ""}`).join(",");
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "<none>";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** The header and the rows as cells, for the options. */
export function tableCells(table: Table, opts: TableOptions = {}): { header: string[]; rows: string[][] } {
  const cols = table.columnDefinitions
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => opts.wide || (c.priority ?? 0) === 0);
  const header = cols.map(({ c }) => c.name.toUpperCase());
  if (opts.withNamespace) header.unshift("NAMESPACE");
  if (opts.showLabels) header.push("LABELS");
  const rows = (table.rows ?? []).map((row) => {
    const cells = cols.map(({ c, i }) => {
      const text = cellText(row.cells[i]);
      return c.format === "name" && opts.kindPrefix ? `${opts.kindPrefix}/${text}` : text;
    });
    if (opts.withNamespace) cells.unshift(row.object?.metadata?.namespace ?? "");
    if (opts.showLabels) cells.push(formatLabels(row.object?.metadata?.labels));
    return cells;
  });
  return { header, rows };
}

/** Renders cells (header first unless noHeaders) aligned, one line per row. */
export function renderCells(header: string[], rows: string[][], noHeaders = false): string {
  const all = noHeaders ? rows : [header, ...rows];
  if (all.length === 0) return "";
  return alignTabs(all.map((r) => r.join("\t")).join("\n") + "\n", GET_TABS);
}

/** Prints a Table as kubectl does (empty string for a Table without rows). */
export function printTable(table: Table, opts: TableOptions = {}): string {
  const { header, rows } = tableCells(table, opts);
  if (rows.length === 0) return "";
  return renderCells(header, rows, opts.noHeaders);
}

/** Keeps column widths across a watch: each new row is padded to the widest seen so far. */
export class WatchTableWriter {
  private widths: number[] = [];

  /** Prints the first table and remembers its widths. */
  start(header: string[], rows: string[][], noHeaders = false): string {
    const all = noHeaders ? rows : [header, ...rows];
    this.widths = columnWidths(all, GET_TABS);
    return all.map((r) => padRow(r, this.widths) + "\n").join("");
  }

  /** One row of a later event. */
  row(cells: string[]): string {
    const w = columnWidths([cells], GET_TABS);
    this.widths = w.map((x, i) => Math.max(x, this.widths[i] ?? 0));
    return padRow(cells, this.widths) + "\n";
  }
}
