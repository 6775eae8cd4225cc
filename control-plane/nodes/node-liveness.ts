// The seam between the agent sessions (which hear heartbeats) and the node lifecycle
// controller (which turns them into the Ready condition and taints).

import type { Node } from "../../shared/api-types.js";
import type { StoreWriter } from "../store/store.js";

export interface NodeLiveness {
  /**
   * The node's agent connected (hello): `node`, as the session is about to write it in `tx`,
   * as a Ready copy, or undefined when it is Ready already (the session writes the copy).
   */
  connected(node: Node, tx: StoreWriter): Node | undefined;
  /** The node's agent is alive now (a connect or a heartbeat). Cheap: kept in memory. */
  heartbeat(nodeName: string): void;
  /** The node's agent stopped cleanly: its node turns NotReady at once. */
  markNotReady(nodeName: string, reason: string, message: string): void;
}
