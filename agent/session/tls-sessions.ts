// The agent's TLS sessions, so that a reconnecting WebSocket resumes the last one (TLS 1.3
// session tickets) instead of making a full handshake: a resumed handshake costs the server
// no certificate signature and the agent no certificate checks, which counts when thousands
// of agents come back at once. Tickets are kept in memory only, and only from connections
// OpenSSL verified against the pinned CA: a resumed session keeps its first handshake's
// verdict, so the join's connection (checked by its pin, not by OpenSSL) is never resumed. A
// ticket the server no longer takes (it restarted, or the ticket expired) just means a full
// handshake, verified as always.

import type { TLSSocket } from "node:tls";

export class TlsSessions {
  private readonly latest = new Map<string, Buffer>();

  /** The session to offer on the next connection to `server` (a URL; its host and port count), if any. */
  offer(server: string): Buffer | undefined {
    return this.latest.get(hostOf(server));
  }

  /** Keeps the sessions `socket`, a verified connection to `server`, receives from now on. */
  keep(server: string, socket: TLSSocket): void {
    const host = hostOf(server);
    socket.on("session", (session: Buffer) => this.latest.set(host, session));
  }
}

/** host:port of a URL: https:// and wss:// URLs of one server are one key. */
function hostOf(server: string): string {
  const url = new URL(server);
  return `${url.hostname}:${url.port || "443"}`;
}
