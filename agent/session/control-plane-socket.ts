// The agent's WebSocket to the control plane, and the only agent file that uses `ws`: it
// authenticates with the node credential, trusts only the pinned CA (with normal hostname
// checks), and hands on decoded server messages. A malformed message closes the socket
// with the protocol-error code; nothing else happens with it.

import { isIP } from "node:net";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";
import WebSocket from "ws";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import {
  AGENT_CONNECT_PATH,
  CLOSE_CODES,
  decodeServerMessage,
  type AgentMessage,
  type ServerMessage,
} from "../../shared/protocol.js";
import { connectionError } from "./https-client.js";
import type { TlsSessions } from "./tls-sessions.js";

export interface SocketOptions {
  /** https://HOST:PORT of the control plane. */
  server: string;
  /** The node credential. */
  token: string;
  caPem: string;
  logger: Logger;
  onMessage: (m: ServerMessage) => void;
  onClose: (code: number, reason: string) => void;
  timeoutMs?: number;
  /** Sessions to resume and keep (tls-sessions.ts); every connection is a full handshake without. */
  sessions?: TlsSessions;
}

/** The wss:// URL of the agent endpoint of a server. */
export function connectUrl(server: string): string {
  const u = new URL(AGENT_CONNECT_PATH, server);
  u.protocol = u.protocol === "http:" ? "ws:" : "wss:";
  return u.toString();
}

/**
 * ws's own TLS connect, offering the server's last session and keeping the ones this
 * connection gets. The CA and hostname checks stay tls.connect's: a full handshake is
 * verified as without, and a resumed one was verified when its session began.
 */
export function resumingConnection(server: string, sessions: TlsSessions): ConnectionFactory {
  const connection = (options: object): TLSSocket => {
    const o = options as ConnectionOptions & { host?: string };
    const session = sessions.offer(server);
    const socket = tlsConnect({
      ...o,
      // As ws's own: the request's path is not a socket path; SNI for names, none for addresses.
      path: undefined,
      servername: o.servername ?? (o.host && !isIP(o.host) ? o.host : ""),
      ...(session ? { session } : {}),
    });
    socket.once("secureConnect", () => sessions.keep(server, socket));
    return socket;
  };
  // ws types the option as net.createConnection with all its overloads; it calls it with options only.
  return connection as unknown as ConnectionFactory;
}

type ConnectionFactory = NonNullable<WebSocket.ClientOptions["createConnection"]>;

export class ControlPlaneSocket {
  private constructor(
    private readonly ws: WebSocket,
    private readonly logger: Logger,
  ) {}

  /** Opens the socket; rejects with Unauthorized (401), TlsPinMismatch or Unreachable. */
  static open(o: SocketOptions): Promise<ControlPlaneSocket> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const sessions = o.sessions;
      const ws = new WebSocket(connectUrl(o.server), {
        headers: { Authorization: `Bearer ${o.token}` },
        ca: o.caPem,
        rejectUnauthorized: true,
        handshakeTimeout: o.timeoutMs ?? 10_000,
        maxPayload: 64 * 1024 * 1024,
        ...(sessions ? { createConnection: resumingConnection(o.server, sessions) } : {}),
      });
      const fail = (e: EverynodeError): void => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      ws.on("unexpected-response", (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        ws.terminate();
        if (status === 401 || status === 403) {
          fail(new EverynodeError("Unauthorized", `the server refused the node credential (${status})`));
        } else {
          fail(
            new EverynodeError("Unreachable", `the server answered ${status} instead of a WebSocket`, {
              temporary: true,
            }),
          );
        }
      });
      ws.on("error", (e) => {
        if (!settled) fail(connectionError(o.server, e));
        else o.logger.debug("socket error", { error: e });
      });
      ws.on("open", () => {
        settled = true;
        const socket = new ControlPlaneSocket(ws, o.logger);
        ws.on("message", (data: WebSocket.RawData) => socket.receive(data, o.onMessage));
        ws.on("close", (code, reason) => o.onClose(code, reason.toString("utf8")));
        resolve(socket);
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a message; false when the socket is not open. */
  send(m: AgentMessage): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(m));
    return true;
  }

  /** Closes the socket; the close handler runs once the server answers (or at once). */
  close(code = 1000, reason = ""): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(code, reason);
  }

  /** Waits until the socket is closed (after close() or the server's close). */
  closed(timeoutMs = 2000): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, timeoutMs);
      this.ws.once("close", () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private receive(data: WebSocket.RawData, onMessage: (m: ServerMessage) => void): void {
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let message: ServerMessage;
    try {
      message = decodeServerMessage(raw);
    } catch (e) {
      this.logger.warn("closing the connection: the server sent a malformed message", {
        error: (e as Error).message,
      });
      this.close(CLOSE_CODES.protocolError, "malformed message");
      return;
    }
    onMessage(message);
  }
}
