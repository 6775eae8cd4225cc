// Checking a server's TLS certificate against the join token's pin on the connection that
// registers. The server sends its CA after its own certificate, so a joining agent needs no
// separate unverified request for the CA: it finds the certificate whose hash the token
// pins in the chain the handshake delivered, then checks what a verified connection would
// (the serving certificate issued and signed by that CA, both in their validity, the name
// the agent dialled), and only then sends the join token. The TLS handshake itself proved
// that the server holds the serving certificate's key.

import { X509Certificate } from "node:crypto";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { caHashOfDer } from "../../shared/join-token.js";

export type PinnedChain =
  | { ok: true; caPem: string }
  /** The chain has no certificate with the pinned hash (a server that does not send its CA). */
  | { ok: false; missing: true }
  | { ok: false; missing: false; reason: string };

/** The chain a TLS handshake delivered, serving certificate first, each linked to its issuer by Node. */
function chainOf(peer: PeerCertificate): PeerCertificate[] {
  const chain: PeerCertificate[] = [];
  for (let c: PeerCertificate | undefined = peer; c?.raw && !chain.includes(c); c = issuerOf(c))
    chain.push(c);
  return chain;
}

function issuerOf(c: PeerCertificate): PeerCertificate | undefined {
  return (c as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
}

/**
 * Whether `peer` (from `getPeerCertificate(true)`) is a serving certificate for `host`,
 * issued by the CA whose hash is `caHash` and which the chain carries; `now` in ms.
 */
export function checkPinnedChain(
  peer: PeerCertificate,
  caHash: string,
  host: string,
  now: number,
): PinnedChain {
  const chain = chainOf(peer);
  const pinned = chain.find((c) => caHashOfDer(c.raw) === caHash);
  if (!pinned) return { ok: false, missing: true };
  const fail = (reason: string): PinnedChain => ({ ok: false, missing: false, reason });
  if (pinned === peer) return fail("the server presented the CA certificate itself");
  const leaf = new X509Certificate(peer.raw);
  const ca = new X509Certificate(pinned.raw);
  if (!ca.ca) return fail("the pinned certificate is not a CA");
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey))
    return fail("the serving certificate is not signed by the pinned CA");
  for (const c of [leaf, ca]) {
    if (now < Date.parse(c.validFrom) || now > Date.parse(c.validTo))
      return fail(`a certificate is outside its validity (${c.validFrom} to ${c.validTo})`);
  }
  // Node's own name check, the one a verified connection makes (SANs, IP addresses).
  const nameError = checkServerIdentity(host, peer);
  if (nameError) return fail(nameError.message);
  return { ok: true, caPem: ca.toString() };
}
