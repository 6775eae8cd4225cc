// One node's row of the grid: its readiness and one cell per DaemonSet column. Pure.

import type { DaemonSet, Node, Pod } from "../../../shared/api-types.js";
import type { NodeCode } from "../grid-protocol.js";
import { cellOf, nodeCodeOf, type Cell } from "./cell-state.js";

export interface RowState {
  name: string;
  node: NodeCode;
  /** The node's labels (the stored, frozen object), for the label filter. */
  labels: Readonly<Record<string, string>>;
  cells: Cell[];
}

function controllerUid(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.uid;
}

/** The row of `node` given the DaemonSets (the columns, in order) and the pods bound to it. */
export function rowOf(
  node: Node,
  columns: readonly DaemonSet[],
  podsOnNode: readonly Pod[],
  now: number,
): RowState {
  const byOwner = new Map<string, Pod[]>();
  for (const pod of podsOnNode) {
    const uid = controllerUid(pod);
    if (uid === undefined) continue;
    const list = byOwner.get(uid);
    if (list) list.push(pod);
    else byOwner.set(uid, [pod]);
  }
  return {
    name: node.metadata.name ?? "",
    node: nodeCodeOf(node),
    labels: node.metadata.labels ?? {},
    cells: columns.map((ds) => cellOf(node, ds, byOwner.get(ds.metadata.uid ?? "") ?? [], now)),
  };
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Whether two rows would look the same (labels count: the label filter reads them). */
export function sameRow(a: RowState, b: RowState): boolean {
  if (a.node !== b.node || a.cells.length !== b.cells.length || !sameLabels(a.labels, b.labels)) return false;
  return a.cells.every((c, i) => c.state === b.cells[i]?.state && c.reason === b.cells[i]?.reason);
}
