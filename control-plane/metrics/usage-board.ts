// The latest usage each connected agent sampled (kubectl top's figures), kept in memory:
// a sample every --metrics-resolution per node would be a write a node every few seconds,
// for figures no one needs after the next one. A node whose session ends loses its entry
// (stale figures would lie), as metrics-server drops a node it cannot scrape.

import type { UsageMessage } from "../../shared/protocol.js";

/** Where agents' usage messages go (the sessions call it). */
export interface UsageSink {
  accept(nodeName: string, message: UsageMessage): void;
  forget(nodeName: string): void;
}

export class UsageBoard implements UsageSink {
  private readonly nodes = new Map<string, UsageMessage>();

  accept(nodeName: string, message: UsageMessage): void {
    this.nodes.set(nodeName, message);
  }

  forget(nodeName: string): void {
    this.nodes.delete(nodeName);
  }

  /** A node's latest sample. */
  of(nodeName: string): UsageMessage | undefined {
    return this.nodes.get(nodeName);
  }

  /** Every node's latest sample. */
  all(): IterableIterator<[string, UsageMessage]> {
    return this.nodes.entries();
  }
}
