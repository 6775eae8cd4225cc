// The dashboard's server-side aggregation: every node × every DaemonSet as a grid of cells,
// kept current from the store's change feed. Work is done in slices of nodes with a turn
// of the event loop between them, so that 10,000 nodes never hold the loop for long: a
// change marks rows dirty and a slice recomputes them; a change of the set of DaemonSets
// builds a new grid beside the old one and swaps it in whole. Runs only while someone
// watches (the dashboard router attaches its streams).

import type { DaemonSet, Node, Pod } from "../../../shared/api-types.js";
import type { Clock } from "../../../shared/clock.js";
import type { ChangeEvent, Store } from "../../store/store.js";
import { rowOf, sameRow, type RowState } from "./grid-row.js";

export type GridChange =
  /** These rows changed (or went away: `row()` says undefined). */
  | { type: "rows"; names: readonly string[] }
  /** A column's numbers changed (the DaemonSet's status), not its cells. */
  | { type: "columns" }
  /** The set of columns changed: everything must be read again. */
  | { type: "reset" };

export type GridListener = (change: GridChange) => void;

export interface GridModelDeps {
  store: Store;
  clock: Clock;
  /** Nodes per slice of work; default 250 (about 5 ms at 5 DaemonSets). */
  sliceNodes?: number;
  /** How the next slice is scheduled; default setImmediate (a test may run slices by hand). */
  defer?: (fn: () => void) => void;
}

interface Rebuild {
  columns: DaemonSet[];
  names: string[];
  next: number;
  rows: Map<string, RowState>;
}

const key = (ds: DaemonSet): string => `${ds.metadata.namespace ?? ""}/${ds.metadata.name ?? ""}`;

function sortedDaemonSets(store: Store): DaemonSet[] {
  return [...store.list<DaemonSet>("daemonsets")].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Whether a DaemonSet change can change its cells (not only its numbers). */
function changesCells(prev: DaemonSet, next: DaemonSet): boolean {
  const progressing = (ds: DaemonSet): string | undefined =>
    ds.status?.conditions?.find((c) => c.type === "Progressing")?.reason;
  return (
    prev.metadata.generation !== next.metadata.generation ||
    prev.status?.rollout?.updateHash !== next.status?.rollout?.updateHash ||
    prev.status?.rollout?.updateRevision !== next.status?.rollout?.updateRevision ||
    progressing(prev) !== progressing(next)
  );
}

export class GridModel {
  private columnsList: DaemonSet[] = [];
  private rowsMap = new Map<string, RowState>();
  private readonly dirty = new Set<string>();
  private rebuild: Rebuild | undefined;
  private columnsChanged = false;
  private scheduled = false;
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private readonly listeners = new Set<GridListener>();
  private readyWaiters: (() => void)[] = [];
  private readonly slice: number;
  private readonly defer: (fn: () => void) => void;

  constructor(private readonly deps: GridModelDeps) {
    this.slice = deps.sliceNodes ?? 250;
    this.defer = deps.defer ?? ((fn) => void setImmediate(fn));
  }

  /** Starts the model with its first listener; the last one to leave stops it. */
  attach(listener: GridListener): () => void {
    this.listeners.add(listener);
    if (!this.running) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** The DaemonSets, in column order (namespace, then name). */
  columns(): readonly DaemonSet[] {
    return this.columnsList;
  }

  row(name: string): RowState | undefined {
    return this.rowsMap.get(name);
  }

  rowNames(): string[] {
    return [...this.rowsMap.keys()];
  }

  get size(): number {
    return this.rowsMap.size;
  }

  /** True once the grid reflects the store (no rebuild running). */
  get ready(): boolean {
    return this.running && this.rebuild === undefined;
  }

  /** Resolves once the grid is built (at once when it is). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Resolves once no work is left (tests and the benchmark). */
  async idle(): Promise<void> {
    while (this.running && (this.scheduled || this.rebuild || this.dirty.size > 0)) {
      await new Promise<void>((resolve) => this.defer(resolve));
    }
  }

  private start(): void {
    this.running = true;
    this.unsubscribe = this.deps.store.onChange((events) => this.onEvents(events));
    this.startRebuild();
  }

  private stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.rowsMap = new Map();
    this.columnsList = [];
    this.dirty.clear();
    this.rebuild = undefined;
    // Whoever waited for a grid that will not be built now goes on (and finds its stream closed).
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  private startRebuild(): void {
    const names = this.deps.store.list<Node>("nodes").map((n) => n.metadata.name ?? "");
    this.rebuild = { columns: sortedDaemonSets(this.deps.store), names, next: 0, rows: new Map() };
    this.schedule();
  }

  private onEvents(events: readonly ChangeEvent[]): void {
    if (!this.running) return;
    for (const e of events) {
      if (e.resource === "nodes") this.dirty.add(e.object.metadata.name ?? "");
      else if (e.resource === "pods") {
        const now = (e.object as Pod).spec?.nodeName;
        const before = (e.previous as Pod | undefined)?.spec?.nodeName;
        if (now) this.dirty.add(now);
        if (before && before !== now) this.dirty.add(before);
      } else if (e.resource === "daemonsets") this.onDaemonSet(e);
    }
    this.schedule();
  }

  private onDaemonSet(e: ChangeEvent): void {
    const ds = e.object as DaemonSet;
    const at = (list: DaemonSet[]): number => list.findIndex((c) => c.metadata.uid === ds.metadata.uid);
    const r = this.rebuild;
    // The columns the grid will have: the rebuild's while one runs.
    const target = r ? r.columns : this.columnsList;
    const j = at(target);
    if (e.type !== "MODIFIED" || j < 0) {
      // A column came or went: build a new grid (replacing one already under way).
      this.startRebuild();
      return;
    }
    const cells = changesCells(target[j] as DaemonSet, ds);
    target[j] = ds;
    const i = at(this.columnsList);
    if (r && i >= 0) this.columnsList[i] = ds;
    this.columnsChanged = true;
    if (!cells) return;
    for (const name of this.rowsMap.keys()) this.dirty.add(name);
    // Rows the rebuild already made read the DaemonSet as it was.
    if (r) for (const name of r.names.slice(0, r.next)) this.dirty.add(name);
  }

  private schedule(): void {
    if (this.scheduled || !this.running) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      if (this.running) this.work();
    });
  }

  /** One slice: of the rebuild if one runs, else of the dirty rows. */
  private work(): void {
    if (this.rebuild) this.rebuildSlice(this.rebuild);
    else this.dirtySlice();
    if (this.columnsChanged && !this.rebuild) {
      this.columnsChanged = false;
      this.emit({ type: "columns" });
    }
    if (this.rebuild || this.dirty.size > 0) this.schedule();
  }

  private computeRow(name: string, columns: readonly DaemonSet[], now: number): RowState | undefined {
    const node = this.deps.store.get<Node>("nodes", undefined, name);
    if (!node) return undefined;
    return rowOf(node, columns, this.deps.store.listPodsOnNode(name), now);
  }

  private rebuildSlice(r: Rebuild): void {
    const now = this.deps.clock.now();
    const end = Math.min(r.names.length, r.next + this.slice);
    for (; r.next < end; r.next++) {
      const name = r.names[r.next] as string;
      const row = this.computeRow(name, r.columns, now);
      if (row) r.rows.set(name, row);
      // Built from the latest state: no need to redo it after the swap.
      this.dirty.delete(name);
    }
    if (r.next < r.names.length) return;
    this.rebuild = undefined;
    this.columnsList = r.columns;
    this.rowsMap = r.rows;
    this.columnsChanged = false;
    // Rows that changed before their turn in the rebuild are recomputed after it.
    this.emit({ type: "reset" });
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  private dirtySlice(): void {
    const now = this.deps.clock.now();
    const changed: string[] = [];
    let n = 0;
    for (const name of this.dirty) {
      if (n++ >= this.slice) break;
      this.dirty.delete(name);
      const old = this.rowsMap.get(name);
      const row = this.computeRow(name, this.columnsList, now);
      if (!row) {
        if (old) {
          this.rowsMap.delete(name);
          changed.push(name);
        }
        continue;
      }
      if (old && sameRow(old, row)) continue;
      this.rowsMap.set(name, row);
      changed.push(name);
    }
    if (changed.length > 0) this.emit({ type: "rows", names: changed });
  }

  private emit(change: GridChange): void {
    for (const l of [...this.listeners]) l(change);
  }
}
