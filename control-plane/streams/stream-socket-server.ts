// kubectl's side of exec, attach and port-forward, and the control plane's only WebSocket
// code facing clients: checks an upgrade (who asks, may they, which pod, which protocol)
// before accepting it, answers anything wrong with a Kubernetes Status over plain HTTP, then
// hands the socket, wrapped as a MessageSocket, to the session of its kind.

import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { RawData } from "ws";
import type { Pod } from "../../shared/api-types.js";
import { EverynodeError, HTTP_BY_CODE, isEverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { bearerToken } from "../api/auth-middleware.js";
import { forbidden, isAllowed } from "../api/authorization.js";
import type { Authenticator } from "../auth/principal.js";
import type { Store } from "../store/store.js";
import type { StreamRelay } from "../agents/stream-relay.js";
import { EXEC_PROTOCOLS, pickProtocol } from "../../shared/channel-protocol.js";
import { runExecSession } from "./exec-session.js";
import type { MessageSocket } from "./message-socket.js";
import { PORT_FORWARD_PROTOCOLS, runPortForward } from "./port-forward-session.js";
import { parseExecRequest, parsePorts, parseStreamPath, spdyRefusal } from "./stream-request.js";

export interface StreamSocketDeps {
  authenticator: Authenticator;
  store: Store;
  relay: () => StreamRelay;
  logger: Logger;
}

/** Largest message taken from a client: stdin and port-forward data come in pieces this big at most. */
const MAX_CLIENT_MESSAGE = 1024 * 1024;

function refuse(socket: Duplex, err: EverynodeError): void {
  const { status, reason } = HTTP_BY_CODE[err.code];
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: err.message,
    reason,
    code: status,
  });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function messageSocket(ws: WebSocket): MessageSocket {
  return {
    send: (data, done) => {
      if (ws.readyState !== WebSocket.OPEN) return done?.();
      ws.send(data, { binary: true }, () => done?.());
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    close: (code, reason) => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
    onMessage: (listener) => ws.on("message", (data) => listener(asBuffer(data))),
    onClose: (listener) => ws.on("close", () => listener()),
  };
}

/** The upgrade handler for pods/exec, pods/attach and pods/portforward (other paths: 404). */
export function streamUpgradeHandler(
  deps: StreamSocketDeps,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE });
  const log = deps.logger.child({ component: "streams" });
  // ws refuses subprotocols that are not HTTP tokens, and kubectl's port-forward one has a
  // "/": the protocol is picked here, the header taken off the request and put in the answer.
  const picked = new WeakMap<IncomingMessage, string>();
  wss.on("headers", (headers, req) => {
    const protocol = picked.get(req);
    if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
  });
  const accept = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    protocol: string,
    then: (ws: WebSocket) => void,
  ): void => {
    picked.set(req, protocol);
    delete req.headers["sec-websocket-protocol"];
    wss.handleUpgrade(req, socket, head, then);
  };
  return (req, socket, head) => {
    socket.on("error", () => {});
    try {
      const url = new URL(req.url ?? "/", "http://x");
      const path = parseStreamPath(url.pathname);
      if (!path) throw new EverynodeError("NotFound", "the server could not find the requested resource");
      const principal = deps.authenticator.authenticate(bearerToken(req.headers.authorization));
      if (!principal) throw new EverynodeError("Unauthorized", "Unauthorized");
      const pod = deps.store.get<Pod>("pods", path.namespace, path.name);
      // RBAC hook: `create pods/exec` (and attach, portforward) on the pod; today the admin alone.
      const attributes = {
        verb: "create" as const,
        resource: "pods" as const,
        group: "",
        subresource: path.subresource,
        namespace: path.namespace,
        name: path.name,
        ...(pod ? { object: pod } : {}),
      };
      if (principal.kind !== "admin" || !isAllowed(principal, attributes))
        throw forbidden(principal, attributes);
      if ((req.headers.upgrade ?? "").toLowerCase() !== "websocket") throw spdyRefusal(path.subresource);
      if (!pod) throw new EverynodeError("NotFound", `pods "${path.name}" not found`);
      const q = url.searchParams;
      const offered = req.headers["sec-websocket-protocol"];
      if (path.subresource === "portforward") {
        const protocol = pickProtocol(offered, PORT_FORWARD_PROTOCOLS);
        if (!protocol) throw spdyRefusal(path.subresource);
        const ports = parsePorts(q);
        deps.relay().check(pod);
        accept(req, socket, head, protocol, (ws) => {
          runPortForward(
            messageSocket(ws),
            protocol,
            ports,
            (request, client) => deps.relay().open(pod, request, client),
            log,
          );
        });
        return;
      }
      const request = parseExecRequest(pod, path.subresource, q);
      const protocol = pickProtocol(offered, EXEC_PROTOCOLS);
      if (!protocol) throw spdyRefusal(path.subresource);
      deps.relay().check(pod);
      accept(req, socket, head, protocol, (ws) => {
        log.info("stream started", {
          kind: path.subresource,
          pod: `${path.namespace}/${path.name}`,
          container: request.container,
        });
        runExecSession(
          messageSocket(ws),
          protocol,
          request,
          (client) => deps.relay().open(pod, request, client),
          log,
        );
      });
    } catch (e) {
      refuse(socket, isEverynodeError(e) ? e : new EverynodeError("InternalError", (e as Error).message));
    }
  };
}
