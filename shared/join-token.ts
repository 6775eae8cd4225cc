// The join token an agent is given: it names a token the server knows and pins the hash of
// the server's CA certificate, so the agent checks the server before it sends the secret
// (as `kubeadm join --discovery-token-ca-cert-hash` does).
//
// Format: `EN1.<64 hex: sha256 of the CA certificate's DER>.<id>.<secret>`
//   id: 6 chars [a-z0-9]; secret: 16 chars [a-z0-9] (the bearer token is `<id>.<secret>`).

import { createHash, X509Certificate } from "node:crypto";
import { EverynodeError } from "./errors.js";

export interface JoinToken {
  caHash: string;
  id: string;
  secret: string;
}

const TOKEN_RE = /^EN1\.([0-9a-f]{64})\.([a-z0-9]{6})\.([a-z0-9]{16})$/;
const BEARER_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

export function formatJoinToken(t: JoinToken): string {
  return `EN1.${t.caHash}.${t.id}.${t.secret}`;
}

export function parseJoinToken(text: string): JoinToken {
  const m = TOKEN_RE.exec(text.trim());
  if (!m) {
    throw new EverynodeError(
      "BadToken",
      "the join token is not of the form EN1.<ca-hash>.<id>.<secret>; copy it from the server's data dir (join-token) or `everynode token create`",
    );
  }
  return { caHash: m[1] as string, id: m[2] as string, secret: m[3] as string };
}

/** The bearer token a joining agent sends: `<id>.<secret>`. */
export function bearerOf(t: JoinToken): string {
  return `${t.id}.${t.secret}`;
}

/** Splits a bearer token `<id>.<secret>` (join tokens, node credentials, the admin token). */
export function splitBearer(token: string): { id: string; secret: string } | undefined {
  const m = BEARER_RE.exec(token);
  return m ? { id: m[1] as string, secret: m[2] as string } : undefined;
}

/** sha256 of a PEM certificate's DER bytes, lower-case hex. */
export function caHashOf(certPem: string): string {
  return caHashOfDer(new X509Certificate(certPem).raw);
}

/** caHashOf for a certificate's DER bytes. */
export function caHashOfDer(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex");
}
