// everynode's small PKI: one CA made on first start and a serving certificate signed by it.
// The CA's hash is pinned in every join token, so the CA never changes once made; the
// serving certificate is re-issued from it when the host's names or --tls-san grow, or when
// its key is not ECDSA P-256 (older data dirs have RSA-2048 ones).

import { createHash, generateKeyPair, randomBytes, sign, X509Certificate } from "node:crypto";
import { mkdir, readFile, writeFile, chmod } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import forge from "node-forge";
import type { Clock } from "../../shared/clock.js";
import { EverynodeError } from "../../shared/errors.js";
import { caHashOf } from "../../shared/join-token.js";
import type { SanSet } from "./pki-sans.js";
import { missingSans, parseSubjectAltName, wantedSans } from "./pki-sans.js";

/** The CA and the serving certificate, as PEM, plus the CA's pin for join tokens. */
export interface Pki {
  caCertPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
  /** caHashOf(caCertPem): the pin in join tokens. */
  caHash: string;
}

const YEAR_MS = 365 * 24 * 3600_000;
const CA_VALIDITY_MS = 10 * YEAR_MS;
const SERVER_VALIDITY_MS = 10 * YEAR_MS;
/** Re-issue a serving certificate that would expire within this long. */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;
/** Backdated so that a host whose clock is a little behind still accepts it. */
const BACKDATE_MS = 3600_000;

const generateKeyPairAsync = promisify(generateKeyPair);
/** TBSCertificate: version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, … */
const SPKI_FIELD = 6;

/** Node's native RSA key generation (fast), converted to forge's key objects. */
async function newRsaKey(): Promise<{
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
}> {
  const { privateKey: pem } = await generateKeyPairAsync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  const privateKey = forge.pki.privateKeyFromPem(pem);
  return { privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e), pem };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString("hex");
}

/**
 * The serving key: ECDSA P-256, because a TLS handshake with it costs the server a fraction
 * of what RSA-2048 does, and every agent makes two on joining and one per reconnect.
 */
async function newServingKey(): Promise<{ spkiDer: Buffer; pem: string }> {
  const { publicKey, privateKey } = await generateKeyPairAsync("ec", {
    namedCurve: "P-256",
    publicKeyEncoding: { type: "spki", format: "der" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { spkiDer: publicKey, pem: privateKey };
}

/** RFC 5280's key identifier: the SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: forge.asn1.Asn1): string {
  const bits = (spki.value as forge.asn1.Asn1[])[1]?.value as string; // leading unused-bits byte
  return createHash("sha1")
    .update(Buffer.from(bits.slice(1), "binary"))
    .digest("binary");
}

function certificate(
  publicKey: forge.pki.PublicKey,
  cn: string,
  now: number,
  validityMs: number,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + validityMs);
  cert.setSubject([{ name: "commonName", value: cn }]);
  return cert;
}

async function createCa(now: number): Promise<{ certPem: string; keyPem: string }> {
  const key = await newRsaKey();
  const cert = certificate(key.publicKey, "everynode-ca", now, CA_VALIDITY_MS);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(key.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.pem };
}

/**
 * A serving certificate for an ECDSA key, signed by the (RSA) CA. forge writes only RSA keys
 * into certificates, so it builds the to-be-signed part around the CA's own public key as a
 * stand-in, the EC key's SubjectPublicKeyInfo takes its place, and Node's crypto signs it.
 */
async function createServerCert(
  ca: { certPem: string; keyPem: string },
  sans: SanSet,
  now: number,
): Promise<{ certPem: string; keyPem: string }> {
  const key = await newServingKey();
  const spki = forge.asn1.fromDer(key.spkiDer.toString("binary"));
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = certificate(caCert.publicKey, "everynode-server", now, SERVER_VALIDITY_MS);
  cert.setIssuer(caCert.subject.attributes);
  const octets = (bytes: string): forge.asn1.Asn1 =>
    forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OCTETSTRING, false, bytes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectKeyIdentifier", value: octets(keyIdentifier(spki)) },
    {
      name: "authorityKeyIdentifier",
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
    {
      name: "subjectAltName",
      altNames: [
        ...sans.dns.map((value) => ({ type: 2, value })),
        ...sans.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
  ]);
  const algorithm = forge.pki.oids.sha256WithRSAEncryption as string;
  cert.signatureOid = algorithm;
  cert.siginfo.algorithmOid = algorithm;
  // In forge, not in its type declarations.
  const { getTBSCertificate } = forge.pki as unknown as {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1;
  };
  const tbs = getTBSCertificate(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  fields[SPKI_FIELD] = spki;
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  const signed = cert as forge.pki.Certificate & { tbsCertificate: forge.asn1.Asn1 };
  signed.tbsCertificate = tbs;
  signed.signature = sign("sha256", tbsDer, ca.keyPem).toString("binary");
  return { certPem: forge.pki.certificateToPem(signed), keyPem: key.pem };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EverynodeError("InternalError", `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

async function writeSecret(file: string, text: string, mode: number): Promise<void> {
  await writeFile(file, text, { mode });
  await chmod(file, mode); // writeFile keeps the mode of a file that already existed
}

/**
 * Whether the serving certificate can stay: signed by this CA, an ECDSA key, not expiring,
 * all SANs present.
 */
function servingCertIsGood(certPem: string, caPem: string, want: SanSet, now: number): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    if (!cert.verify(ca.publicKey)) return false;
    if (cert.publicKey.asymmetricKeyType !== "ec") return false;
    if (Date.parse(cert.validTo) - RENEW_BEFORE_MS < now) return false;
    const missing = missingSans(parseSubjectAltName(cert.subjectAltName), want);
    return missing.dns.length === 0 && missing.ips.length === 0;
  } catch {
    return false;
  }
}

/**
 * Loads the PKI from `<dataDir>/tls/`, creating the CA and the serving certificate on first
 * start and re-issuing the serving certificate (from the same CA) when it lacks a SAN.
 */
export async function ensurePki(dataDir: string, options: { sans: string[]; clock: Clock }): Promise<Pki> {
  const dir = path.join(dataDir, "tls");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = {
    caCert: path.join(dir, "ca.crt"),
    caKey: path.join(dir, "ca.key"),
    cert: path.join(dir, "server.crt"),
    key: path.join(dir, "server.key"),
  };
  const now = options.clock.now();

  let caCertPem = await readIfExists(files.caCert);
  let caKeyPem = await readIfExists(files.caKey);
  if (caCertPem === undefined || caKeyPem === undefined) {
    if (caCertPem !== undefined || caKeyPem !== undefined) {
      // Half a CA cannot sign; making a new one would silently break every join token.
      throw new EverynodeError(
        "InternalError",
        `${dir} holds only one of ca.crt and ca.key; restore the missing file or remove both to make a new CA (existing join tokens then stop working)`,
      );
    }
    const ca = await createCa(now);
    caCertPem = ca.certPem;
    caKeyPem = ca.keyPem;
    await writeSecret(files.caKey, caKeyPem, 0o600);
    await writeFile(files.caCert, caCertPem, { mode: 0o644 });
  }

  const want = wantedSans({
    hostname: os.hostname(),
    interfaces: os.networkInterfaces(),
    extra: options.sans,
  });
  let certPem = await readIfExists(files.cert);
  let keyPem = await readIfExists(files.key);
  if (certPem === undefined || keyPem === undefined || !servingCertIsGood(certPem, caCertPem, want, now)) {
    const issued = await createServerCert({ certPem: caCertPem, keyPem: caKeyPem }, want, now);
    certPem = issued.certPem;
    keyPem = issued.keyPem;
    await writeSecret(files.key, keyPem, 0o600);
    await writeFile(files.cert, certPem, { mode: 0o644 });
  }

  return { caCertPem, caKeyPem, certPem, keyPem, caHash: caHashOf(caCertPem) };
}
