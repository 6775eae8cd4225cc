// The simulator's leaf-only name check (bench/fleet/sim-tls.ts) against a real TLS server
// sending its CA after its certificate, as everynode's does: it must still refuse what a
// verifying agent refuses (another name, another CA) and accept the right server.

import https from "node:https";
import type { AddressInfo } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkLeafOnly } from "../../bench/fleet/sim-tls.js";
import { makePki } from "../agent/helpers/fake-control-plane.js";

const pki = makePki();
const otherCa = makePki().caPem;
let server: https.Server;
let port = 0;

beforeAll(async () => {
  server = https.createServer({ key: pki.keyPem, cert: `${pki.certPem.trimEnd()}\n${pki.caPem}` });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A verifying connection with the leaf-only check; the error's code, or "ok". */
function attempt(o: { ca: string; servername?: string }): Promise<string> {
  return new Promise((resolve) => {
    const socket: TLSSocket = checkLeafOnly(
      connect({
        host: "127.0.0.1",
        port,
        ca: o.ca,
        rejectUnauthorized: true,
        ...(o.servername ? { servername: o.servername } : {}),
      }),
    );
    socket.once("secureConnect", () => {
      // What Node's check read: the leaf, without the chain built as objects.
      const read = socket.getPeerCertificate(true) as {
        subject?: { CN?: string };
        issuerCertificate?: unknown;
      };
      socket.destroy();
      resolve(read.subject?.CN === "127.0.0.1" && read.issuerCertificate === undefined ? "ok" : "chain");
    });
    socket.once("error", (e: Error & { code?: string }) => {
      socket.destroy();
      resolve(e.code ?? e.message);
    });
  });
}

describe("the simulator's leaf-only server-name check", () => {
  it("accepts the server the pinned CA vouches for, by its address or its name", async () => {
    expect(await attempt({ ca: pki.caPem })).toBe("ok");
    expect(await attempt({ ca: pki.caPem, servername: "localhost" })).toBe("ok");
  });

  it("refuses a name the certificate does not carry", async () => {
    expect(await attempt({ ca: pki.caPem, servername: "elsewhere.example" })).toBe(
      "ERR_TLS_CERT_ALTNAME_INVALID",
    );
  });

  it("refuses a server another CA vouches for", async () => {
    // The other CA has the same name: OpenSSL tries it, and its signature does not match.
    expect(await attempt({ ca: otherCa })).toBe("CERT_SIGNATURE_FAILURE");
  });
});
