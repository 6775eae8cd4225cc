// The simulator's TLS economy that the server cannot tell from an agent's handshake. A
// client that verifies the server has Node check the server's name against its
// certificate, and Node first turns the whole chain into JavaScript objects for that
// (getPeerCertificate(true): ~0.7 ms for everynode's chain here, the biggest part of a
// simulated join or connect), of which the name check reads only the leaf's subject and
// subjectAltName (the leaf alone: ~0.05 ms). Thousands of simulated agents share two cores
// with the server, so that time would be the server's; the simulator's sockets hand Node the
// leaf. OpenSSL still verifies the chain against the pinned CA, and the name is still checked.

import { TLSSocket, type PeerCertificate } from "node:tls";

/** `socket` with Node's server-name check reading only the leaf certificate; see the file comment. */
export function checkLeafOnly<T extends TLSSocket>(socket: T): T {
  const leaf = (): PeerCertificate => TLSSocket.prototype.getPeerCertificate.call(socket, false);
  Object.defineProperty(socket, "getPeerCertificate", { value: leaf, configurable: true });
  return socket;
}
