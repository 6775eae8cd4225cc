// The floor the control plane's per-agent memory is compared with: a bare `ws` server over
// Node's HTTPS (or plain HTTP) that accepts WebSockets on any path and does nothing else
// (it decodes what it receives).
// Started by ws-floor.ts; prints {"port": N} once it listens. A line "broadcast BYTES" on
// stdin sends one message of that size to every client and prints the CPU time it took.

import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { WebSocketServer } from "ws";

const [variant = "tls", certFile = "", keyFile = ""] = process.argv.slice(2);
const server =
  variant === "plain"
    ? http.createServer()
    : https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    // The least any server does with a message: decode it.
    ws.on("message", (data) => JSON.parse(String(data)) as unknown);
    ws.on("error", () => {});
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + "\n");
});
createInterface({ input: process.stdin }).on("line", (line) => {
  const [cmd, size] = line.split(" ");
  if (cmd !== "broadcast") return;
  // A message the simulated agents accept (an ack), padded to the size asked for.
  const message = JSON.stringify({
    v: 1,
    type: "ack",
    seq: 1,
    pad: "x".repeat(Math.max(0, Number(size) - 40)),
  });
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (const ws of wss.clients) ws.send(message);
  const syncMs = performance.now() - t0;
  // Sends finish asynchronously (TLS writes): wait until every socket's buffer drained.
  const poll = setInterval(() => {
    for (const ws of wss.clients) if (ws.bufferedAmount > 0) return;
    clearInterval(poll);
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    process.stdout.write(
      JSON.stringify({ clients: wss.clients.size, bytes: message.length, syncMs, cpuMs }) + "\n",
    );
  }, 5);
});
process.on("SIGTERM", () => process.exit(0));
