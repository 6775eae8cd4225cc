// What each node's agent announced it can do (hello's `capabilities`), remembered per node
// after a disconnect, so that a pod deleted while its agent is away is still deleted the way
// that agent will handle; forgotten when the node is deleted. In memory: after a restart of
// the control plane a node counts as capable again once its agent said hello, and until then
// its pods are deleted at once (the agent still stops them gently when they leave its set).

import type { AgentCapability } from "../../shared/protocol.js";
import { AGENT_CAPABILITIES } from "../../shared/protocol.js";
import type { GracefulAgents } from "../deletion/deleter.js";

export class AgentCapabilities implements GracefulAgents {
  private readonly byNode = new Map<string, ReadonlySet<AgentCapability>>();

  /** Records the node's agent's announcement; returns the names it did not know. */
  announce(nodeName: string, announced: readonly string[] | undefined): string[] {
    const known = new Set<AgentCapability>();
    const unknown: string[] = [];
    for (const c of announced ?? []) {
      if ((AGENT_CAPABILITIES as readonly string[]).includes(c)) known.add(c as AgentCapability);
      else unknown.push(c);
    }
    this.byNode.set(nodeName, known);
    return unknown;
  }

  /** Whether the node's agent said hello since this server started (and the node was not deleted). */
  announced(nodeName: string): boolean {
    return this.byNode.has(nodeName);
  }

  has(nodeName: string, capability: AgentCapability): boolean {
    return this.byNode.get(nodeName)?.has(capability) ?? false;
  }

  /** Whether the node's agent reports a terminating pod's containers gone. */
  gracefulDeletion(nodeName: string): boolean {
    return this.has(nodeName, "gracefulDeletion");
  }

  forget(nodeName: string): void {
    this.byNode.delete(nodeName);
  }
}
