import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import forge from "node-forge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Clock } from "../../shared/clock.js";
import { caHashOf } from "../../shared/join-token.js";
import { ensurePki } from "./pki.js";

const clock: Clock = { now: () => Date.now(), sleep: async () => {}, every: () => () => {} };

function sansOf(pem: string): string {
  return new X509Certificate(pem).subjectAltName ?? "";
}

/** The serving certificate earlier versions made: an RSA-2048 key, signed by the same CA. */
async function writeRsaServingCert(dir: string, caCertPem: string, caKeyPem: string): Promise<string> {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const ca = forge.pki.certificateFromPem(caCertPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  cert.setSubject([{ name: "commonName", value: "everynode-server" }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }]);
  cert.sign(forge.pki.privateKeyFromPem(caKeyPem), forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  await writeFile(path.join(dir, "tls", "server.crt"), pem);
  await writeFile(path.join(dir, "tls", "server.key"), privateKey);
  return pem;
}

describe("ensurePki", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "everynode-pki-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates a CA and a serving certificate signed by it, with the host's SANs and --tls-san", async () => {
    const pki = await ensurePki(dir, { sans: ["cp.example.com", "203.0.113.9"], clock });
    const ca = new X509Certificate(pki.caCertPem);
    const cert = new X509Certificate(pki.certPem);
    expect(ca.subject).toContain("CN=everynode-ca");
    expect(ca.ca).toBe(true);
    expect(cert.subject).toContain("CN=everynode-server");
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkPrivateKey((await import("node:crypto")).createPrivateKey(pki.keyPem))).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe("ec");
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // extended: TLS server
    const sans = sansOf(pki.certPem);
    for (const s of [
      "DNS:localhost",
      `DNS:${os.hostname()}`,
      "DNS:kubernetes",
      "DNS:kubernetes.default",
      "DNS:cp.example.com",
      "IP Address:127.0.0.1",
      "IP Address:203.0.113.9",
    ]) {
      expect(sans).toContain(s);
    }
    expect(sans).toMatch(/IP Address:0:0:0:0:0:0:0:1\b/);
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(pki.caHash).toBe(caHashOf(pki.caCertPem));
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(9 * 365 * 24 * 3600_000);
    expect((await stat(path.join(dir, "tls", "ca.key"))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, "tls", "server.key"))).mode & 0o777).toBe(0o600);
  });

  it("reuses the CA and certificate on restart", async () => {
    const first = await ensurePki(dir, { sans: ["cp.example.com"], clock });
    const second = await ensurePki(dir, { sans: ["cp.example.com"], clock });
    expect(second).toEqual(first);
  });

  it("re-issues the serving certificate from the same CA when a SAN is new", async () => {
    const first = await ensurePki(dir, { sans: [], clock });
    const second = await ensurePki(dir, { sans: ["10.9.8.7", "new.example.com"], clock });
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.caHash).toBe(first.caHash);
    expect(second.certPem).not.toBe(first.certPem);
    expect(sansOf(second.certPem)).toContain("IP Address:10.9.8.7");
    expect(sansOf(second.certPem)).toContain("DNS:new.example.com");
    expect(new X509Certificate(second.certPem).verify(new X509Certificate(first.caCertPem).publicKey)).toBe(
      true,
    );
  });

  it("re-issues an RSA serving certificate with an ECDSA key from the same CA", async () => {
    const first = await ensurePki(dir, { sans: [], clock });
    const caKeyPem = await readFile(path.join(dir, "tls", "ca.key"), "utf8");
    const rsaPem = await writeRsaServingCert(dir, first.caCertPem, caKeyPem);
    const second = await ensurePki(dir, { sans: [], clock });
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.caHash).toBe(first.caHash);
    expect(second.certPem).not.toBe(rsaPem);
    const cert = new X509Certificate(second.certPem);
    expect(cert.publicKey.asymmetricKeyType).toBe("ec");
    expect(cert.verify(new X509Certificate(first.caCertPem).publicKey)).toBe(true);
    expect(await readFile(path.join(dir, "tls", "server.crt"), "utf8")).toBe(second.certPem);
  });
});
