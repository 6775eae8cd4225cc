// Column alignment as kubectl does it (Go's text/tabwriter semantics): text is cells split
// by tabs; a cell ended by a tab belongs to a column, the text after a line's last tab does
// not; consecutive lines sharing a column form a block padded to its widest cell.

/** Options of the aligner: kubectl's `get` uses minWidth 6 / padding 3, `describe` 0 / 2. */
export interface TabOptions {
  minWidth: number;
  padding: number;
}

export const GET_TABS: TabOptions = { minWidth: 6, padding: 3 };
export const DESCRIBE_TABS: TabOptions = { minWidth: 0, padding: 2 };

/** Aligns tab-separated text; returns it with the tabs replaced by padding. */
export function alignTabs(text: string, options: TabOptions): string {
  const endsWithNewline = text.endsWith("\n");
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split("\n").map((l) => l.split("\t"));
  const out: string[] = [];
  const widths: number[] = [];
  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] as string[];
      let line = "";
      cells.forEach((cell, j) => {
        if (j < cells.length - 1 && j < widths.length) line += cell.padEnd(widths[j] as number);
        else line += cell;
      });
      out.push(line);
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= (lines[i] as string[]).length - 1) continue;
      writeLines(start, i);
      start = i;
      let width = options.minWidth;
      for (; i < line1; i++) {
        const cells = lines[i] as string[];
        if (column >= cells.length - 1) break;
        width = Math.max(width, (cells[column] as string).length + options.padding);
      }
      widths.push(width);
      format(start, i);
      widths.pop();
      start = i;
      i--; // the outer loop resumes at the line that ended the block
    }
    writeLines(start, line1);
  };
  format(0, lines.length);
  return out.join("\n") + (endsWithNewline ? "\n" : "");
}

/** Column widths of a table of rows (every cell but the last), as the aligner would pick. */
export function columnWidths(rows: string[][], options: TabOptions): number[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, j) => {
      widths[j] = Math.max(widths[j] ?? options.minWidth, cell.length + options.padding);
    });
  }
  return widths;
}

/** Pads a row to given widths (the last cell unpadded): watch lines keep the table's widths. */
export function padRow(row: string[], widths: number[]): string {
  return row.map((c, j) => (j < row.length - 1 ? c.padEnd(widths[j] ?? 0) : c)).join("");
}
