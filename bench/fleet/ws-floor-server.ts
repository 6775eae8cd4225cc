// The floor the control plane's per-agent memory is compared with: a bare `ws` server over
// Node's HTTPS (or plain HTTP) that accepts WebSockets on any path and does nothing else.
// Started by ws-floor.ts; prints {"port": N} once it listens.

import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

const [variant = "tls", certFile = "", keyFile = ""] = process.argv.slice(2);
const server =
  variant === "plain"
    ? http.createServer()
    : https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on("message", () => {});
    ws.on("error", () => {});
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + "\n");
});
process.on("SIGTERM", () => process.exit(0));
