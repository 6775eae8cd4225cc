// Issue 8's slow clients, against the real `everynode server` wiring (main.ts) over real TLS:
// connections that never finish their handshake, headers or body are closed at the deadlines
// the flags set (short ones here), watches outlive every deadline and a huge timeoutSeconds,
// and one address cannot hold more connections than --max-connections-per-ip.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.js";
import { parseServerArgs } from "../../control-plane/config.js";
import { startServer, type RunningServer } from "../../control-plane/main.js";

interface Server {
  running: RunningServer;
  port: number;
  token: string;
  dir: string;
}

async function start(flags: string[]): Promise<Server> {
  const dir = mkdtempSync(path.join(tmpdir(), "everynode-slowloris-"));
  const { config } = parseServerArgs(["--data-dir", dir, "--listen", "127.0.0.1:0", "--no-agent", ...flags]);
  const running = await startServer(config, silentLogger);
  const token = readFileSync(path.join(dir, "admin-token"), "utf8").trim();
  return { running, port: Number(new URL(running.url).port), token, dir };
}

async function stop(s: Server | undefined): Promise<void> {
  if (!s) return;
  await s.running.stop();
  rmSync(s.dir, { recursive: true, force: true });
}

const sockets: net.Socket[] = [];
afterAll(() => {
  for (const s of sockets) s.destroy();
});

/** A TLS connection that completed its handshake, or the error that ended it first. */
function tlsConnect(port: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false });
    sockets.push(socket);
    socket.once("secureConnect", () => resolve(socket));
    socket.once("error", reject);
    socket.once("close", () => reject(new Error("closed before the TLS handshake ended")));
  });
}

/** Everything the server sent until it closed the connection. */
function untilClosed(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString("latin1")));
    socket.on("error", () => {});
    if (socket.destroyed) resolve(text);
    else socket.once("close", () => resolve(text));
  });
}

/** A streaming HTTPS GET that collects lines. */
function watch(
  s: Server,
  urlPath: string,
): { lines: string[]; ended: () => boolean; next: () => Promise<string> } {
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let ended = false;
  let buffer = "";
  const req = https.get(
    `https://127.0.0.1:${s.port}${urlPath}`,
    { headers: { authorization: `Bearer ${s.token}` }, rejectUnauthorized: false, agent: false },
    (res) => {
      res.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8");
        for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          const waiter = waiting.shift();
          if (waiter) waiter(line);
          else lines.push(line);
        }
      });
      res.on("end", () => (ended = true));
      res.on("close", () => (ended = true));
    },
  );
  req.on("socket", (socket) => sockets.push(socket));
  req.on("error", () => (ended = true));
  return {
    lines,
    ended: () => ended,
    next: () => {
      const line = lines.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

function request(s: Server, method: string, urlPath: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      `https://127.0.0.1:${s.port}${urlPath}`,
      {
        method,
        rejectUnauthorized: false,
        agent: false,
        headers: {
          authorization: `Bearer ${s.token}`,
          ...(text ? { "content-type": "application/json", "content-length": Buffer.byteLength(text) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

describe("deadlines", () => {
  let s: Server;
  beforeAll(async () => {
    s = await start(["--header-timeout=500ms", "--request-read-timeout=500ms", "--idle-timeout=500ms"]);
  });
  afterAll(async () => {
    await stop(s);
  });

  it("closes a connection whose request headers never end, with a 408", async () => {
    const socket = await tlsConnect(s.port);
    socket.write("GET /api/v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    const answer = await untilClosed(socket);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("closes a connection that never starts its TLS handshake", async () => {
    const socket = net.connect(s.port, "127.0.0.1");
    sockets.push(socket);
    await new Promise((resolve) => socket.once("connect", resolve));
    expect(await untilClosed(socket)).toBe("");
  });

  it("closes a request whose body never ends", async () => {
    const socket = await tlsConnect(s.port);
    socket.write(
      [
        "POST /api/v1/namespaces HTTP/1.1",
        "Host: 127.0.0.1",
        `Authorization: Bearer ${s.token}`,
        "Content-Type: application/json",
        "Content-Length: 1000",
        "",
        '{"metadata":',
      ].join("\r\n"),
    );
    const answer = await untilClosed(socket);
    expect(answer).toMatch(/^(HTTP\/1\.1 408 Request Timeout\r\n|$)/);
  });

  it("closes a kept-alive connection that sits idle", async () => {
    const socket = await tlsConnect(s.port);
    socket.write("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const answer = await untilClosed(socket);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it("keeps a watch open past every deadline, even with timeoutSeconds=3000000", async () => {
    const w = watch(s, "/api/v1/namespaces?watch=true&timeoutSeconds=3000000");
    expect(JSON.parse(await w.next())).toMatchObject({ type: "ADDED" });
    // A slow connection opened after the watch is closed after its deadlines: by then the
    // watch is older than every deadline (and a timer overflowed by 3000000 s has fired).
    const slow = await tlsConnect(s.port);
    slow.write("GET / HTTP/1.1\r\n");
    await untilClosed(slow);
    expect(w.ended()).toBe(false);
    expect(await request(s, "POST", "/api/v1/namespaces", { metadata: { name: "after-deadlines" } })).toBe(
      201,
    );
    for (;;) {
      const event = JSON.parse(await w.next());
      if (event.object.metadata.name === "after-deadlines") {
        expect(event.type).toBe("ADDED");
        break;
      }
    }
    expect(w.ended()).toBe(false);
  });
});

describe("connections per address", () => {
  let s: Server;
  beforeAll(async () => {
    s = await start(["--max-connections-per-ip=3"]);
  });
  afterAll(async () => {
    await stop(s);
  });

  it("refuses connections over the cap before their TLS handshake, and admits again below it", async () => {
    const held = [await tlsConnect(s.port), await tlsConnect(s.port), await tlsConnect(s.port)];
    await expect(tlsConnect(s.port)).rejects.toThrow();
    await expect(request(s, "GET", "/version")).rejects.toThrow();

    held[0]?.destroy();
    // The server counts a close when it sees it: try until it has.
    const eventually = async <T>(attempt: () => Promise<T>): Promise<T | undefined> => {
      for (let i = 0; i < 100; i++) {
        const result = await attempt().catch(() => undefined);
        if (result !== undefined) return result;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return undefined;
    };
    expect(
      await eventually(async () => ((await request(s, "GET", "/version")) === 200 ? true : undefined)),
    ).toBe(true);
    expect(await eventually(() => tlsConnect(s.port))).toBeDefined();
    await expect(tlsConnect(s.port)).rejects.toThrow();
  });
});
