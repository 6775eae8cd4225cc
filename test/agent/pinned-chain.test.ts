// The join's check of a server's certificates against the join token's pin, on real TLS
// handshakes with certificates made as the control plane makes them (control-plane/auth/pki.ts):
// what passes, and each way a server that is not the pinned one is caught.

import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createServer, type Server } from "node:tls";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectUnverified } from "../../agent/session/https-client.js";
import { checkPinnedChain, type PinnedChain } from "../../agent/session/pinned-chain.js";
import { ensurePki, type Pki } from "../../control-plane/auth/pki.js";
import { systemClock } from "../../shared/clock.js";
import { caHashOf } from "../../shared/join-token.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-pinned-chain-"));
let pinned: Pki;
let other: Pki;
const servers: Server[] = [];

beforeAll(async () => {
  pinned = await ensurePki(path.join(dir, "a"), { sans: [], clock: systemClock });
  other = await ensurePki(path.join(dir, "b"), { sans: [], clock: systemClock });
});
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Serves `cert` (a PEM chain) with `key` on loopback; returns its URL. */
async function serve(cert: string, key: string): Promise<URL> {
  const server = createServer({ cert, key }, (s) => s.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

/** A serving certificate for 127.0.0.1 whose issuer and key id are `caPem`'s, signed with `signingKeyPem`. */
function forgeLeafNaming(caPem: string, signingKeyPem: string): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ca = forge.pki.certificateFromPem(caPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "0a";
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 86400_000);
  cert.setSubject([{ name: "commonName", value: "everynode-server" }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
    { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(signingKeyPem), forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

const chain = (...pems: string[]): string => pems.map((p) => p.trimEnd()).join("\n") + "\n";

async function check(url: URL, opts: { host?: string; now?: number } = {}): Promise<PinnedChain> {
  const socket = await connectUnverified(url);
  try {
    return checkPinnedChain(
      socket.getPeerCertificate(true),
      pinned.caHash,
      opts.host ?? "127.0.0.1",
      opts.now ?? Date.now(),
    );
  } finally {
    socket.destroy();
  }
}

describe("checkPinnedChain", () => {
  it("accepts the serving certificate of the pinned CA sent with that CA, and returns the CA", async () => {
    const url = await serve(chain(pinned.certPem, pinned.caCertPem), pinned.keyPem);
    const result = await check(url);
    expect(result.ok).toBe(true);
    expect(caHashOf((result as { caPem: string }).caPem)).toBe(pinned.caHash);
    expect(await check(url, { host: "localhost" })).toMatchObject({ ok: true });
  });

  it("says the CA is missing when the server sends only its own certificate", async () => {
    const url = await serve(pinned.certPem, pinned.keyPem);
    expect(await check(url)).toEqual({ ok: false, missing: true });
  });

  it("says the CA is missing when the chain carries another CA", async () => {
    const url = await serve(chain(other.certPem, other.caCertPem), other.keyPem);
    expect(await check(url)).toEqual({ ok: false, missing: true });
  });

  it("does not take the pinned CA sent along with another CA's serving certificate as its issuer", async () => {
    // The join then goes the two-step way, whose connection verified by the CA fails.
    const url = await serve(chain(other.certPem, pinned.caCertPem), other.keyPem);
    expect(await check(url)).toEqual({ ok: false, missing: true });
  });

  it("refuses a serving certificate that names the pinned CA as its issuer but is signed by another key", async () => {
    const forged = forgeLeafNaming(pinned.caCertPem, other.caKeyPem);
    const url = await serve(chain(forged.certPem, pinned.caCertPem), forged.keyPem);
    expect(await check(url)).toEqual({
      ok: false,
      missing: false,
      reason: "the serving certificate is not signed by the pinned CA",
    });
  });

  it("refuses the pinned CA's own certificate as the serving one", async () => {
    const url = await serve(pinned.caCertPem, pinned.caKeyPem);
    expect(await check(url)).toEqual({
      ok: false,
      missing: false,
      reason: "the server presented the CA certificate itself",
    });
  });

  it("refuses a name the certificate is not for", async () => {
    const url = await serve(chain(pinned.certPem, pinned.caCertPem), pinned.keyPem);
    const result = await check(url, { host: "not-this-server.example" });
    expect(result).toMatchObject({ ok: false, missing: false });
    expect((result as { reason: string }).reason).toMatch(/not-this-server\.example/);
  });

  it("refuses certificates outside their validity", async () => {
    const url = await serve(chain(pinned.certPem, pinned.caCertPem), pinned.keyPem);
    const result = await check(url, { now: Date.now() + 20 * 365 * 24 * 3600_000 });
    expect(result).toMatchObject({ ok: false, missing: false });
    expect((result as { reason: string }).reason).toMatch(/outside its validity/);
  });
});
