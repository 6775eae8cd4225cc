// One live agent connection per node. The socket server makes connections; the sessions
// decide which one is current; the dispatcher and the log relay send through it.

import type { ServerMessage } from "../../shared/protocol.js";

/** An authenticated agent socket, as the session logic sees it (no `ws` types leak out). */
export interface AgentConnection {
  readonly nodeName: string;
  readonly credentialId: string;
  /** Resolves once the message was handed to the socket (rejects if the socket is gone). */
  send(message: ServerMessage): Promise<void>;
  close(code: number, reason: string): void;
}

interface Entry {
  connection: AgentConnection;
  /** True once the agent said hello and got its welcome: only then does it get assignments. */
  ready: boolean;
}

/** nodeName → the node's current connection. */
export class SessionRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Makes `connection` its node's current one; returns the one it replaces, if any. */
  open(connection: AgentConnection): AgentConnection | undefined {
    const previous = this.entries.get(connection.nodeName);
    this.entries.set(connection.nodeName, { connection, ready: false });
    return previous?.connection;
  }

  /** Marks the connection ready (after hello), if it is still its node's current one. */
  markReady(connection: AgentConnection): boolean {
    const entry = this.entries.get(connection.nodeName);
    if (entry?.connection !== connection) return false;
    entry.ready = true;
    return true;
  }

  /** Forgets the connection, unless a newer one has already replaced it. */
  remove(connection: AgentConnection): boolean {
    const entry = this.entries.get(connection.nodeName);
    if (entry?.connection !== connection) return false;
    this.entries.delete(connection.nodeName);
    return true;
  }

  isCurrent(connection: AgentConnection): boolean {
    return this.entries.get(connection.nodeName)?.connection === connection;
  }

  /** The node's connection once it said hello. */
  ready(nodeName: string): AgentConnection | undefined {
    const entry = this.entries.get(nodeName);
    return entry?.ready ? entry.connection : undefined;
  }

  /** The node's current connection, ready or not. */
  get(nodeName: string): AgentConnection | undefined {
    return this.entries.get(nodeName)?.connection;
  }

  /** The nodes that have a ready connection. */
  readyNodes(): string[] {
    return [...this.entries].filter(([, e]) => e.ready).map(([name]) => name);
  }

  /** How many nodes have a connection now, ready or not. */
  get size(): number {
    return this.entries.size;
  }

  all(): AgentConnection[] {
    return [...this.entries.values()].map((e) => e.connection);
  }
}
