// One browser's view of the grid: its filters (node labels, DaemonSets, problems only), the
// rows it has been sent, and the changes not sent yet. Changes are batched: whatever changed
// since the last flush goes out at the next one, latest state only, at most `maxRows` rows a
// flush. A client that does not read pauses the flushes; what it misses stays a set of
// names, never a queue of messages.

import type { DaemonSet } from "../../../shared/api-types.js";
import type { LabelRequirement } from "../../kube/index.js";
import { matchesLabels } from "../../kube/index.js";
import type { GridColumn, GridMessage, GridRow } from "../grid-protocol.js";
import { CELL_CODE, PROBLEM_STATES } from "../grid-protocol.js";
import type { GridChange, GridModel } from "./grid-model.js";
import type { RowState } from "./grid-row.js";

export interface GridFilter {
  /** Node label requirements (none: every node). */
  labels: LabelRequirement[];
  /** `namespace/name` of the DaemonSets to show (undefined: all). */
  daemonSets?: ReadonlySet<string>;
  problemsOnly: boolean;
}

/** Sends one message; false when the client is behind (flushes pause until resume()). */
export type GridSend = (message: GridMessage) => boolean;

/** Reason strings kept per stream before it starts over with a fresh snapshot. */
const MAX_REASONS = 10_000;

export function columnOf(ds: DaemonSet): GridColumn {
  const st = ds.status;
  const progressing = st?.conditions?.find((c) => c.type === "Progressing");
  const col: GridColumn = {
    namespace: ds.metadata.namespace ?? "",
    name: ds.metadata.name ?? "",
    uid: ds.metadata.uid ?? "",
    desired: st?.desiredNumberScheduled ?? 0,
    updated: st?.updatedNumberScheduled ?? 0,
    ready: st?.numberReady ?? 0,
    available: st?.numberAvailable ?? 0,
    paused: ds.spec.updateStrategy?.rollingUpdate?.paused === true,
  };
  if (st?.rollout) col.updateRevision = st.rollout.updateRevision;
  if (progressing) {
    col.progressing = { status: progressing.status };
    if (progressing.reason) col.progressing.reason = progressing.reason;
    if (progressing.message) col.progressing.message = progressing.message;
  }
  return col;
}

export class GridSubscription {
  private readonly sent = new Set<string>();
  private readonly pending = new Set<string>();
  private readonly reasons = new Map<string, number>();
  private newReasons: [number, string][] = [];
  /** Indexes of the model's columns this view shows. */
  private indexes: number[] = [];
  private snapshot: string[] | undefined;
  private needSnapshot = true;
  private columnsChanged = false;
  private blocked = false;

  constructor(
    private readonly model: GridModel,
    private readonly filter: GridFilter,
    private readonly send: GridSend,
    private readonly maxRows = 1_000,
  ) {}

  /** What the model said changed. */
  onChange(change: GridChange): void {
    if (change.type === "reset") this.needSnapshot = true;
    else if (change.type === "columns") this.columnsChanged = true;
    else for (const name of change.names) this.pending.add(name);
  }

  /** The client read what it was sent: flushes may go on. */
  resume(): void {
    this.blocked = false;
  }

  /** Whether a snapshot is being sent (the caller flushes again at once rather than later). */
  get snapshotting(): boolean {
    return this.snapshot !== undefined || this.needSnapshot;
  }

  /** Sends what is due: the next slice of a snapshot, or the batched changes. */
  flush(): void {
    if (this.blocked || !this.model.ready) return;
    if (this.needSnapshot) this.startSnapshot();
    if (this.snapshot) {
      const names = this.snapshot.splice(0, this.maxRows);
      this.sendRows(names);
      if (this.snapshot.length === 0) {
        this.snapshot = undefined;
        this.write({ t: "synced", nodes: this.model.size });
      }
      return;
    }
    if (this.columnsChanged) {
      this.columnsChanged = false;
      this.write({ t: "columns", columns: this.indexes.map((i) => columnOf(this.column(i))) });
    }
    if (this.pending.size === 0) return;
    const names: string[] = [];
    for (const name of this.pending) {
      if (names.length >= this.maxRows) break;
      names.push(name);
      this.pending.delete(name);
    }
    this.sendRows(names);
  }

  private column(i: number): DaemonSet {
    return this.model.columns()[i] as DaemonSet;
  }

  private startSnapshot(): void {
    this.needSnapshot = false;
    this.sent.clear();
    this.pending.clear();
    this.reasons.clear();
    this.newReasons = [];
    this.columnsChanged = false;
    const wanted = this.filter.daemonSets;
    this.indexes = this.model
      .columns()
      .map((ds, i) => ({ ds, i }))
      .filter(({ ds }) => !wanted || wanted.has(`${ds.metadata.namespace ?? ""}/${ds.metadata.name ?? ""}`))
      .map(({ i }) => i);
    this.snapshot = this.model.rowNames();
    this.write({ t: "reset" });
    this.write({ t: "columns", columns: this.indexes.map((i) => columnOf(this.column(i))) });
  }

  private visible(row: RowState): boolean {
    if (!matchesLabels(this.filter.labels, row.labels)) return false;
    if (!this.filter.problemsOnly) return true;
    return row.node !== "R" || this.indexes.some((i) => PROBLEM_STATES.has(row.cells[i]?.state ?? "ready"));
  }

  private reasonId(text: string): number {
    let id = this.reasons.get(text);
    if (id === undefined) {
      id = this.reasons.size + 1;
      this.reasons.set(text, id);
      this.newReasons.push([id, text]);
    }
    return id;
  }

  private encode(row: RowState): GridRow {
    let cells = "";
    const reasons: number[] = [];
    let any = false;
    for (const i of this.indexes) {
      const cell = row.cells[i];
      cells += cell ? CELL_CODE[cell.state] : "?";
      const id = cell?.reason ? this.reasonId(cell.reason) : 0;
      if (id) any = true;
      reasons.push(id);
    }
    return any ? [row.name, row.node, cells, reasons] : [row.name, row.node, cells];
  }

  private sendRows(names: readonly string[]): void {
    const rows: GridRow[] = [];
    const del: string[] = [];
    for (const name of names) {
      const row = this.model.row(name);
      if (row && this.visible(row)) {
        rows.push(this.encode(row));
        this.sent.add(name);
      } else if (this.sent.delete(name)) del.push(name);
    }
    if (this.newReasons.length > 0) {
      this.write({ t: "reasons", add: this.newReasons });
      this.newReasons = [];
    }
    if (rows.length > 0 || del.length > 0) {
      const nodes = this.model.size;
      this.write(del.length > 0 ? { t: "rows", rows, del, nodes } : { t: "rows", rows, nodes });
    }
    // A long-lived stream collects reason strings (restart counts change them): start over.
    if (this.reasons.size > MAX_REASONS) this.needSnapshot = true;
  }

  private write(message: GridMessage): void {
    if (!this.send(message)) this.blocked = true;
  }
}
