import https from "node:https";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ensurePki } from "./auth/pki.js";
import { trackOpenSockets } from "./open-sockets.js";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const clock = { now: () => Date.now(), sleep: async () => {}, every: () => () => {} };

describe("trackOpenSockets", () => {
  it("ends a connection still in its TLS handshake, which server.close() would wait for", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "everynode-sockets-"));
    const pki = await ensurePki(dir, { sans: [], clock });
    const server = https.createServer({ cert: pki.certPem, key: pki.keyPem });
    const sockets = trackOpenSockets(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    // A client that connects and never starts its handshake.
    const client = net.connect(port, "127.0.0.1");
    const clientClosed = new Promise<void>((r) => client.once("close", () => r()));
    client.on("error", () => {});
    await new Promise<void>((r) => client.once("connect", () => r()));
    await expect.poll(() => sockets.size()).toBe(1);
    let closed = false;
    const done = new Promise<void>((r) => server.close(() => ((closed = true), r())));
    server.closeAllConnections();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    sockets.destroyAll();
    await done;
    await clientClosed;
    expect(sockets.size()).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });
});
