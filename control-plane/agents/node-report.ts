// The facts an agent reports about its host (hello), applied to its Node's status. Pure (it
// changes neither the node nor the report): the session writes only when this returns a
// changed Node.

import { isDeepStrictEqual } from "node:util";
import type { Node } from "../../shared/api-types.js";
import type { NodeReport } from "../../shared/protocol.js";

/** The kubelet's port: everynode's agent serves none, so 0 (as kubectl describe shows it). */
const DAEMON_ENDPOINTS = { kubeletEndpoint: { Port: 0 } };

/** The Node with the report's addresses, capacity, allocatable and nodeInfo; undefined when unchanged. */
export function nodeWithReport(node: Node, report: NodeReport): Node | undefined {
  const status = node.status ?? {};
  const wanted = {
    addresses: report.addresses,
    capacity: report.capacity,
    allocatable: report.allocatable,
    nodeInfo: report.nodeInfo,
    daemonEndpoints: DAEMON_ENDPOINTS,
  };
  const same = (Object.keys(wanted) as (keyof typeof wanted)[]).every((k) =>
    isDeepStrictEqual(status[k], wanted[k]),
  );
  if (same) return undefined;
  // No deep copies: the store copies whatever it writes that is not already frozen.
  return { ...node, status: { ...status, ...wanted } };
}
