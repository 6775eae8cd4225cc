// The dashboard grid's wire format, shared by the server (which computes the cells) and the
// browser (which draws them). Compact on purpose: at 10,000 nodes a row is its node's name,
// one character per DaemonSet and, where there is one, the number of a reason string sent
// once per stream. No Pod object ever reaches the browser through the grid.

/** What one (node, DaemonSet) cell shows. */
export type CellState =
  | "ready"
  | "running"
  | "updating"
  | "crashloop"
  | "failing"
  | "pending"
  | "terminating"
  | "missing"
  | "ineligible";

/** One character per state in a row's cell string. */
export const CELL_CODE: Readonly<Record<CellState, string>> = {
  ready: "R",
  running: "r",
  updating: "U",
  crashloop: "C",
  failing: "F",
  pending: "P",
  terminating: "T",
  missing: "M",
  ineligible: "-",
};

export const CELL_STATES = Object.keys(CELL_CODE) as CellState[];

/** The state of a cell character (undefined for a character no state has). */
export function stateOfCode(code: string): CellState | undefined {
  return CELL_STATES.find((s) => CELL_CODE[s] === code);
}

/** The legend's words. */
export const CELL_LABEL: Readonly<Record<CellState, string>> = {
  ready: "ready",
  running: "running, not ready",
  updating: "old revision (rollout)",
  crashloop: "crash-looping",
  failing: "failing (image, config, exited)",
  pending: "pending",
  terminating: "terminating",
  missing: "should run, no pod yet",
  ineligible: "not placed here (why: hover)",
};

/** States someone should look at (the "problems only" filter keeps rows with one of them). */
export const PROBLEM_STATES: ReadonlySet<CellState> = new Set<CellState>([
  "running",
  "updating",
  "crashloop",
  "failing",
  "pending",
  "terminating",
  "missing",
]);

/** A node's readiness in a row: R Ready, N NotReady, U Unknown; a trailing "c" if cordoned. */
export type NodeCode = string;

/**
 * One row: the node's name, its NodeCode, one CELL_CODE per column (in the columns' order)
 * and, when any cell has one, the reason number of each cell (0: none).
 */
export type GridRow = [name: string, node: NodeCode, cells: string, reasons?: number[]];

/** A DaemonSet column with the numbers its header shows. */
export interface GridColumn {
  namespace: string;
  name: string;
  uid: string;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  paused: boolean;
  updateRevision?: number;
  /** The Progressing condition's reason and message, when there is one. */
  progressing?: { status: string; reason?: string; message?: string };
}

/**
 * The stream's messages, one JSON object per line. A snapshot is `reset`, `columns`, then
 * `reasons`/`rows` chunks, then `synced`; after that, batches of `reasons`/`rows` and
 * `columns` (numbers changed) at most every flush interval. A change of the set of
 * DaemonSets starts a new snapshot.
 */
export type GridMessage =
  | { t: "reset" }
  | { t: "columns"; columns: GridColumn[] }
  | { t: "reasons"; add: [number, string][] }
  /** Rows added or changed, and rows gone; `nodes`: how many nodes there are before filters. */
  | { t: "rows"; rows: GridRow[]; del?: string[]; nodes: number }
  | { t: "synced"; nodes: number }
  | { t: "ping" };

export type RevisionRole = "new" | "stable" | "old";

/** A DaemonSet's pods of one revision (GET /ui/api/rollout/NAMESPACE/NAME: `{groups}`). */
export interface RevisionGroup {
  hash: string;
  /** The pods' template generation label (the ControllerRevision's number), "?" if absent. */
  revision: string;
  role: RevisionRole;
  pods: number;
  ready: number;
  terminating: number;
  /** The first node names, sorted. */
  nodes: string[];
  /** How many node names were left out. */
  more: number;
}

/** The query parameters /ui/api/grid accepts (anything else is refused). */
export const GRID_PARAMS = ["labelSelector", "daemonsets", "problems"] as const;

/** The grid stream's path. */
export const GRID_PATH = "/ui/api/grid";
