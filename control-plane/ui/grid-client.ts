// The browser's copy of the grid: the rows the stream sent, kept in node-name order (numbers
// compared as numbers: node-9 before node-10), the reason strings and the columns, and the
// count of each state per column. Pure (no DOM), so that it is tested under Node.

import type { CellState, GridColumn, GridMessage, GridRow } from "./grid-protocol.js";
import { CELL_STATES, stateOfCode } from "./grid-protocol.js";

const collator = new Intl.Collator("en", { numeric: true });

export type StateCounts = Record<CellState, number>;

function emptyCounts(): StateCounts {
  return Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as StateCounts;
}

export class GridClientState {
  columns: GridColumn[] = [];
  /** Row names in display order. */
  order: string[] = [];
  /** False between a reset and its `synced`: the first picture is still coming. */
  synced = false;
  /** Nodes the server has (before the filters). */
  totalNodes = 0;
  /** Counts the resets: reason numbers mean other strings after one. */
  epoch = 0;
  private readonly rows = new Map<string, GridRow>();
  private readonly reasons = new Map<number, string>();

  /** Applies one stream message; true when what is shown changed. */
  apply(m: GridMessage): boolean {
    switch (m.t) {
      case "reset":
        this.rows.clear();
        this.reasons.clear();
        this.order = [];
        this.synced = false;
        this.epoch++;
        return true;
      case "columns":
        this.columns = m.columns;
        return true;
      case "reasons":
        for (const [id, text] of m.add) this.reasons.set(id, text);
        return false;
      case "rows":
        for (const name of m.del ?? []) this.remove(name);
        for (const row of m.rows) this.upsert(row);
        this.totalNodes = m.nodes;
        return true;
      case "synced":
        this.order.sort(collator.compare);
        this.synced = true;
        this.totalNodes = m.nodes;
        return true;
      case "ping":
        return false;
    }
  }

  row(name: string): GridRow | undefined {
    return this.rows.get(name);
  }

  get size(): number {
    return this.rows.size;
  }

  /** The state of a cell, and why (when the server said). */
  cell(row: GridRow, column: number): { state: CellState | undefined; reason: string | undefined } {
    const id = row[3]?.[column] ?? 0;
    return { state: stateOfCode(row[2][column] ?? ""), reason: id ? this.reasons.get(id) : undefined };
  }

  /** How many cells of each column are in each state. */
  counts(): StateCounts[] {
    const counts = this.columns.map(() => emptyCounts());
    for (const row of this.rows.values()) {
      const cells = row[2];
      for (let i = 0; i < counts.length; i++) {
        const s = stateOfCode(cells[i] ?? "");
        if (s) (counts[i] as StateCounts)[s]++;
      }
    }
    return counts;
  }

  private upsert(row: GridRow): void {
    const name = row[0];
    const known = this.rows.has(name);
    this.rows.set(name, row);
    if (known) return;
    // Before `synced` the order is sorted once at the end; after it, each new row is placed.
    if (!this.synced) this.order.push(name);
    else this.order.splice(this.position(name), 0, name);
  }

  private remove(name: string): void {
    if (!this.rows.delete(name)) return;
    const i = this.synced ? this.position(name) : this.order.indexOf(name);
    if (this.order[i] === name) this.order.splice(i, 1);
    else this.order = this.order.filter((n) => n !== name);
  }

  /** Where `name` is or would go in the sorted order (binary search). */
  private position(name: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (collator.compare(this.order[mid] as string, name) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
