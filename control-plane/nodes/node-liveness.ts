// The seam between the agent sessions (which hear heartbeats) and the node lifecycle
// controller (which turns them into the Ready condition and taints).

export interface NodeLiveness {
  /** The node's agent is alive now (a connect or a heartbeat). Cheap: kept in memory. */
  heartbeat(nodeName: string): void;
  /** The node's agent stopped cleanly: its node turns NotReady at once. */
  markNotReady(nodeName: string, reason: string, message: string): void;
}
