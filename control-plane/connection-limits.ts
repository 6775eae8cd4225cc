// How the HTTPS server keeps clients from holding connections they do not use (slowloris):
// deadlines for the TLS handshake, the request headers and the whole request, an idle
// timeout between requests, and a cap on the connections one client address holds at once.
// Responses are never cut short: a watch streams for as long as it asked to.

import type { Server, ServerOptions } from "node:https";
import type { Socket } from "node:net";
import type { Logger } from "../shared/logger.js";

export interface ConnectionLimits {
  /** Time to complete the TLS handshake, and again to send the request headers. */
  headerTimeoutMs: number;
  /** Time to send a whole request, body included (Node.js never applies it to the response). */
  requestTimeoutMs: number;
  /** How long a kept-alive connection may wait for its next request. */
  idleTimeoutMs: number;
  /** Connections one client address may hold at once; 0 for no cap. */
  maxConnectionsPerIp: number;
}

/**
 * Kubernetes' API server gives 32 s for the headers and keeps idle connections 90 s (longer
 * than clients keep them, so a client never reuses a connection the server is closing).
 * 512 connections per address leaves room for hundreds of watches from one machine or NAT;
 * agents each hold one, so 10,000 hosts behind one address need a higher cap (or 0).
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headerTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 90_000,
  maxConnectionsPerIp: 512,
};

/** The https.createServer options that enforce the deadlines. */
export function serverTimeoutOptions(limits: ConnectionLimits): ServerOptions {
  const shortest = Math.min(limits.headerTimeoutMs, limits.requestTimeoutMs);
  return {
    handshakeTimeout: limits.headerTimeoutMs,
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    // Node.js checks the deadlines on this period: a tenth of the shortest keeps them within 10%.
    connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(shortest / 10))),
  };
}

/** Open connections per client address, against a cap. Pure, for the table tests. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts a new connection from `address` if the cap allows it (a cap of 0 always does). */
  admit(address: string): boolean {
    const n = this.open.get(address) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.open.set(address, n + 1);
    return true;
  }

  /** A connection admit() counted has closed. */
  release(address: string): void {
    const n = (this.open.get(address) ?? 0) - 1;
    if (n > 0) this.open.set(address, n);
    else this.open.delete(address);
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}

/**
 * Sets what the options cannot on a server made with serverTimeoutOptions(): the idle
 * timeout, and the per-address cap. A connection over the cap is closed before its TLS
 * handshake, so it costs almost nothing; one warning per address until its count drops.
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits, logger: Logger): void {
  server.keepAliveTimeout = limits.idleTimeoutMs;
  if (limits.maxConnectionsPerIp <= 0) return;
  const counter = new ConnectionCounter(limits.maxConnectionsPerIp);
  const warned = new Set<string>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) {
      socket.destroy(); // already gone
      return;
    }
    if (!counter.admit(address)) {
      if (!warned.has(address)) {
        warned.add(address);
        logger.warn("refusing connections over the per-address cap", {
          address,
          max: limits.maxConnectionsPerIp,
        });
      }
      socket.destroy();
      return;
    }
    socket.once("close", () => {
      counter.release(address);
      if (counter.count(address) === 0) warned.delete(address);
    });
  });
}
