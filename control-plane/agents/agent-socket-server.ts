// The control plane's only WebSocket code: upgrades on AGENT_CONNECT_PATH authenticated by
// a node credential, pings to find dead sockets, and the checks at the edge: each message's
// size and rate (rate-limit.ts), its decoding and its validation (message-validation.ts),
// run in order in time-bounded slices (inbox.ts).
// What a message means is the session logic's business (agent-sessions.ts).

import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { RawData } from "ws";
import type { Clock } from "../../shared/clock.js";
import { isEverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { AgentMessage, ServerMessage } from "../../shared/protocol.js";
import { truncateUtf8 } from "../../shared/limits.js";
import { AGENT_CONNECT_PATH, AGENT_LIMITS, CLOSE_CODES, decodeAgentMessage } from "../../shared/protocol.js";
import type { Authenticator } from "../auth/principal.js";
import { encodeServerMessage } from "./message-encoding.js";
import type { SliceScheduler } from "../slices.js";
import { Inbox } from "./inbox.js";
import { checkAgentMessage } from "./message-validation.js";
import { MessageBudget, type BudgetLimits } from "./rate-limit.js";
import type { AgentConnection } from "./session-registry.js";

/** What the session logic does with one connection's messages. */
export interface ConnectionHandler {
  message(message: AgentMessage): void;
  closed(code: number, reason: string): void;
}

export interface AgentSocketServerDeps {
  authenticator: Authenticator;
  clock: Clock;
  logger: Logger;
  /** Called once per authenticated connection. */
  onConnection(connection: AgentConnection): ConnectionHandler;
  /** Largest message accepted from an agent (AGENT_LIMITS.maxMessageBytes). */
  maxPayloadBytes?: number;
  /** Per-connection rates (AGENT_LIMITS by default). */
  limits?: Partial<BudgetLimits>;
  /**
   * How often each socket is looked at: one that said nothing since the last look is pinged,
   * one that then did not answer by the next look is dropped (30 s by default).
   */
  pingIntervalMs?: number;
  /**
   * The longest an agent may stay silent while well (its heartbeat interval): a socket is
   * pinged only once it has been silent that long too (default: one look).
   */
  heardEveryMs?: () => number;
  /** Upgrades of other paths (kubectl's exec, attach, port-forward); refused when absent. */
  otherUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** The turns the inbox shares with the rest of the control plane's sliced work. */
  slices?: SliceScheduler;
}

/** How a shutdown ends the agents' sockets. */
export interface CloseOptions {
  /**
   * The process exits right after: each agent still hears 1001, but the sockets are left to
   * the exit to close rather than destroyed one by one (~60 us each, 0.6 s at 10,000 agents).
   */
  processExits?: boolean;
}

export interface AgentSocketServer {
  /** Closes every agent socket with 1001 (going away) and stops accepting new ones. */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Event-loop turns a shutdown waits for close frames to be written out before it destroys
 * the sockets anyway (a peer that reads nothing must not hold it up).
 */
const SHUTDOWN_FLUSH_ROUNDS = 20;

/** How long the handling of agents' messages may hold the event loop per turn. */
const INBOX_SLICE_MS = 10;

/** A WebSocket close reason may carry at most 123 bytes. */
const MAX_CLOSE_REASON = 123;

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: text,
    reason: "Unauthorized",
    code: status,
  });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * Message tokens a message costs: statuses make work per entry. Stream data and credit cost
 * none: a bulk copy sends many, and each stream's credit window and the byte budget bound them.
 */
function messageCost(message: AgentMessage): number {
  if (message.type === "streamData" || message.type === "streamCredit") return 0;
  if (message.type !== "podStatus") return 1;
  return 1 + Math.floor(message.statuses.length / AGENT_LIMITS.statusesPerToken);
}

/** Sockets the server closed: what they said and is not handled yet no longer counts. */
const closedByServer = new WeakSet<WebSocket>();

/** Wraps a ws socket as an AgentConnection. */
function connectionOf(ws: WebSocket, nodeName: string, credentialId: string): AgentConnection {
  return {
    nodeName,
    credentialId,
    send: (message: ServerMessage) =>
      new Promise<void>((resolve, reject) => {
        if (ws.readyState !== WebSocket.OPEN) {
          reject(new Error("the agent socket is closed"));
          return;
        }
        ws.send(encodeServerMessage(message), (err) => (err ? reject(err) : resolve()));
      }),
    close: (code, reason) => {
      closedByServer.add(ws);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
  };
}

/**
 * How many of the ping round's looks found a socket silent since a message or a pong last
 * came (0: heard since the last look). A look that finds it silent for longer than its
 * heartbeat interval pings it; the look after that, if still silent, drops it.
 */
type QuietLooks = number;

/** Serves agent WebSockets on `server`; other upgrade paths are refused. */
export function attachAgentSocketServer(
  server: HttpServer | HttpsServer,
  deps: AgentSocketServerDeps,
): AgentSocketServer {
  const maxPayload = deps.maxPayloadBytes ?? AGENT_LIMITS.maxMessageBytes;
  const limits: BudgetLimits = {
    messagesPerSecond: AGENT_LIMITS.messagesPerSecond,
    messageBurst: AGENT_LIMITS.messageBurst,
    bytesPerSecond: AGENT_LIMITS.bytesPerSecond,
    byteBurst: AGENT_LIMITS.byteBurst,
    ...deps.limits,
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload });
  const heard = new WeakMap<WebSocket, QuietLooks>();
  const log = deps.logger.child({ component: "agent-socket" });
  const inbox = new Inbox(
    INBOX_SLICE_MS,
    (err) => log.error("handling an agent message failed", { err }),
    deps.slices,
  );

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    if (pathname !== AGENT_CONNECT_PATH) {
      if (deps.otherUpgrade) deps.otherUpgrade(req, socket, head);
      else socket.destroy();
      return;
    }
    const header = req.headers.authorization;
    const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const principal = deps.authenticator.authenticate(token);
    if (principal?.kind !== "node") {
      log.warn("agent connection refused: not a node credential", { remote: req.socket.remoteAddress });
      rejectUpgrade(socket, 401, "Unauthorized");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, principal.nodeName, principal.credentialId));
  };

  const accept = (ws: WebSocket, nodeName: string, credentialId: string): void => {
    const nodeLog = log.child({ node: nodeName });
    heard.set(ws, 0);
    ws.on("pong", () => heard.set(ws, 0));
    const handler = deps.onConnection(connectionOf(ws, nodeName, credentialId));
    const budget = new MessageBudget(limits, deps.clock.now());
    const refuse = (code: number, why: string): void => {
      nodeLog.warn("refused a message from the agent, closing its socket", {
        reason: truncateUtf8(why, 1024),
      });
      closedByServer.add(ws);
      ws.close(code, truncateUtf8(why, MAX_CLOSE_REASON));
    };
    // `receivedAt` is when the message arrived, not when the inbox got to it: a backlog
    // handled in one slice is not a burst the agent sent.
    const handle = (raw: Buffer, receivedAt: number): void => {
      // After we closed it (bad message, superseded), nothing more it says counts.
      if (closedByServer.has(ws)) return;
      let message: AgentMessage;
      try {
        message = decodeAgentMessage(raw, maxPayload);
        checkAgentMessage(message, raw.length);
      } catch (e) {
        refuse(CLOSE_CODES.protocolError, `protocol error: ${(e as Error).message}`);
        return;
      }
      const cost = messageCost(message);
      const tooMany = cost > 0 ? budget.messageReceived(cost, receivedAt) : undefined;
      if (tooMany) {
        refuse(CLOSE_CODES.tooManyMessages, `too many messages: ${tooMany}`);
        return;
      }
      try {
        handler.message(message);
      } catch (e) {
        if (isEverynodeError(e) && e.code === "ProtocolError") {
          refuse(CLOSE_CODES.protocolError, `protocol error: ${e.message}`);
        } else {
          nodeLog.error("handling an agent message failed", { type: message.type, err: e });
        }
      }
    };
    ws.on("message", (data) => {
      if (ws.readyState !== WebSocket.OPEN || closedByServer.has(ws)) return;
      heard.set(ws, 0);
      const raw = asBuffer(data);
      const receivedAt = deps.clock.now();
      const pauseMs = budget.bytesReceived(raw.length, receivedAt);
      if (pauseMs > 0 && !ws.isPaused) {
        // Past its byte budget the agent is slowed down (TCP pushes back), not cut off.
        ws.pause();
        deps.clock.sleep(pauseMs).then(
          () => ws.resume(),
          () => ws.resume(),
        );
      }
      inbox.post(() => handle(raw, receivedAt));
    });
    ws.on("error", (err) => nodeLog.warn("agent socket error", { err }));
    // After the messages that came before it.
    ws.on("close", (code, reason) => inbox.post(() => handler.closed(code, reason.toString("utf8"))));
  };

  // Each socket is looked at once per interval, but not all at once: a round is spread over
  // one-second ticks, so 10,000 sockets make at most ~330 pings a second, not one long block.
  // An agent that heartbeats is heard every interval and never pinged: at 10,000 nodes that
  // is 330 pings and 330 pongs a second fewer, each a TLS record on both sides. A silent
  // one is pinged, and dropped if it is still silent at the next look.
  const pingIntervalMs = deps.pingIntervalMs ?? 30_000;
  const ticks = Math.max(1, Math.round(pingIntervalMs / 1_000));
  // Agents heartbeating slower than a look (a paced large fleet) are let be silent for as
  // many looks as their interval spans, so their heartbeats still spare them the pings.
  let round: WebSocket[] = [];
  let next = 0;
  let quietAllowed = 1;
  const stopPing = deps.clock.every(pingIntervalMs / ticks, () => {
    if (next >= round.length) {
      round = [...wss.clients];
      next = 0;
      quietAllowed = Math.max(1, Math.ceil((deps.heardEveryMs?.() ?? 0) / pingIntervalMs));
    }
    const end = Math.min(round.length, next + Math.ceil(round.length / ticks));
    for (; next < end; next++) {
      const ws = round[next] as WebSocket;
      if (ws.readyState !== WebSocket.OPEN) continue;
      const quiet = (heard.get(ws) ?? 0) + 1;
      if (quiet > quietAllowed + 1) {
        ws.terminate();
        continue;
      }
      heard.set(ws, quiet);
      if (quiet === quietAllowed + 1) ws.ping();
    }
    if (next >= round.length) round = [];
  });

  server.on("upgrade", onUpgrade);

  return {
    close: async (options = {}) => {
      stopPing();
      server.off("upgrade", onUpgrade);
      let open = [...wss.clients];
      for (const ws of open) ws.close(CLOSE_CODES.goingAway, "server shutting down");
      // Each agent hears 1001 once its close frame has left; the socket is then destroyed
      // (or left to the process's exit) rather than kept for the agent's answer and the TLS
      // close handshake, which with thousands of agents would make shutdown as slow as the
      // slowest of them.
      const end = (ws: WebSocket): void => {
        if (!options.processExits) ws.terminate();
      };
      for (let round = 0; open.length > 0 && round < SHUTDOWN_FLUSH_ROUNDS; round++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        open = open.filter((ws) => {
          if (ws.readyState === WebSocket.CLOSED) return false;
          if (ws.bufferedAmount > 0) return true;
          end(ws);
          return false;
        });
      }
      for (const ws of open) end(ws);
      if (!options.processExits) await new Promise<void>((resolve) => wss.close(() => resolve()));
      inbox.close();
    },
  };
}
