// The CLI's WebSockets to the API (exec, cp, port-forward), the one CLI file that imports
// ws: dials a target with the kubeconfig's credential and TLS, offering subprotocols, and
// hands back a small socket the verbs use. A refused upgrade becomes the API's error, as
// any other request's would.

import WebSocket from "ws";
import type { IncomingMessage } from "node:http";
import { errorFromResponse, transportError, type WebSocketTarget } from "./api-client.js";
import { EverynodeError } from "../shared/errors.js";

/** What is queued on a socket past which a sender waits (bounds the CLI's memory). */
export const HIGH_WATER_BYTES = 1024 * 1024;

export interface StreamSocket {
  /** The subprotocol the server chose. */
  readonly protocol: string;
  /** Sends one binary message; resolves once queued below the high-water mark. */
  send(data: Buffer): Promise<void>;
  onMessage(listener: (data: Buffer) => void): void;
  /** Stops and restarts reading (back-pressure from a slow writer). */
  pause(): void;
  resume(): void;
  close(): void;
  /** Resolves when the socket closed, either side. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

export function openStreamSocket(
  target: WebSocketTarget,
  protocols: readonly string[],
): Promise<StreamSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target.url, [...protocols], {
      headers: target.headers,
      ...target.tls,
      perMessageDeflate: false,
    });
    ws.binaryType = "nodebuffer";
    ws.on("unexpected-response", (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        reject(
          errorFromResponse(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), "GET", target.path),
        ),
      );
    });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on("close", (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.on("error", (e: NodeJS.ErrnoException) => {
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.CLOSED)
        reject(
          transportError(e, new URL(target.url.toString().replace(/^ws/, "http")), target.foundKubeconfig),
        );
    });
    const waiting: (() => void)[] = [];
    // A sender waiting for room is let go when the socket closes (its next send fails).
    ws.on("close", () => waiting.splice(0).forEach((w) => w()));
    ws.on("open", () => {
      const drain = (): void => {
        if (ws.bufferedAmount < HIGH_WATER_BYTES) for (const w of waiting.splice(0)) w();
      };
      resolve({
        protocol: ws.protocol,
        send: (data) =>
          new Promise((done, fail) => {
            if (ws.readyState !== WebSocket.OPEN)
              return fail(new EverynodeError("Unreachable", "the stream closed"));
            ws.send(data, (e) => (e ? fail(e) : drain()));
            if (ws.bufferedAmount < HIGH_WATER_BYTES) done();
            else waiting.push(done);
          }),
        onMessage: (listener) => ws.on("message", (data: Buffer) => listener(data)),
        pause: () => ws.pause(),
        resume: () => ws.resume(),
        close: () => ws.close(1000),
        closed,
      });
    });
  });
}
