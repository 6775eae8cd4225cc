// The simulator's only WebSocket code: one agent connection as the real agent opens it
// (agent/session/control-plane-socket.ts: node credential as bearer, the pinned CA, server
// messages decoded and checked by the protocol's decoder, its TLS session resumed when it
// reconnects as the agent's is), with three differences that let one process hold thousands:
// one TLS context shared by all sockets of the process, a chosen loopback source address so
// that 30,000 connections do not run out of ports, and the server's name checked on the leaf
// certificate alone (sim-tls.ts).

import type { SecureContext, TLSSocket } from "node:tls";
import WebSocket from "ws";
import { resumingConnection } from "../../agent/session/control-plane-socket.js";
import { TlsSessions } from "../../agent/session/tls-sessions.js";
import { checkLeafOnly } from "./sim-tls.js";
import {
  AGENT_CONNECT_PATH,
  CLOSE_CODES,
  decodeServerMessage,
  type AgentMessage,
  type ServerMessage,
} from "../../shared/protocol.js";

export interface SimSocketOptions {
  server: URL;
  token: string;
  secureContext: SecureContext;
  localAddress: string;
  timeoutMs: number;
  /** The node's TLS sessions: each connection's, resumed by the next (a fresh set when absent). */
  sessions?: TlsSessions;
  onMessage: (m: ServerMessage, bytes: number) => void;
  onClose: (code: number, reason: string) => void;
}

/** Why a connection attempt failed: refused credential (re-register) or anything else. */
export class ConnectError extends Error {
  constructor(
    message: string,
    readonly unauthorized: boolean,
  ) {
    super(message);
  }
}

type ConnectionFactory = ReturnType<typeof resumingConnection>;

/** The agent's connection, its server's name checked on the leaf certificate (sim-tls.ts). */
function leafChecked(connect: ConnectionFactory): ConnectionFactory {
  const connection = (options: object): TLSSocket =>
    checkLeafOnly((connect as unknown as (o: object) => TLSSocket)(options));
  return connection as unknown as ConnectionFactory;
}

function connectUrl(server: URL): string {
  const u = new URL(AGENT_CONNECT_PATH, server);
  u.protocol = u.protocol === "http:" ? "ws:" : "wss:";
  return u.toString();
}

export class SimSocket {
  private constructor(private readonly ws: WebSocket) {}

  static open(o: SimSocketOptions): Promise<SimSocket> {
    return new Promise((resolve, reject) => {
      let settled = false;
      // ws hands every option on to tls.connect; its types just do not list secureContext.
      const options: WebSocket.ClientOptions & { secureContext: SecureContext } = {
        headers: { Authorization: `Bearer ${o.token}` },
        secureContext: o.secureContext,
        rejectUnauthorized: true,
        localAddress: o.localAddress,
        handshakeTimeout: o.timeoutMs,
        maxPayload: 64 * 1024 * 1024,
        // Plain ws: (the floor benchmark's TLS-less variant) takes ws's own TCP connection.
        ...(o.server.protocol === "https:"
          ? {
              createConnection: leafChecked(
                resumingConnection(o.server.toString(), o.sessions ?? new TlsSessions()),
              ),
            }
          : {}),
      };
      const ws = new WebSocket(connectUrl(o.server), options);
      const fail = (e: ConnectError): void => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      ws.on("unexpected-response", (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        ws.terminate();
        fail(new ConnectError(`the server answered ${status}`, status === 401 || status === 403));
      });
      ws.on("error", (e: Error & { code?: string }) => {
        if (!settled) fail(new ConnectError(e.code ?? e.message, false));
      });
      ws.on("open", () => {
        settled = true;
        const socket = new SimSocket(ws);
        ws.on("message", (data: WebSocket.RawData) => socket.receive(data, o.onMessage));
        ws.on("close", (code, reason) => o.onClose(code, reason.toString("utf8")));
        resolve(socket);
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(m: AgentMessage): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(m));
    return true;
  }

  close(code = 1000, reason = ""): void {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close(code, reason);
  }

  /** Drops the connection without a close handshake, as a crashed host would. */
  terminate(): void {
    this.ws.terminate();
  }

  private receive(data: WebSocket.RawData, onMessage: (m: ServerMessage, bytes: number) => void): void {
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let message: ServerMessage;
    try {
      message = decodeServerMessage(raw);
    } catch {
      this.close(CLOSE_CODES.protocolError, "malformed message");
      return;
    }
    onMessage(message, raw.length);
  }
}
