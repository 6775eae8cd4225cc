// Joining a cluster: find the CA the join token pins in the chain the server's TLS
// handshake sends, check the server's certificate against it (pinned-chain.ts), and register
// over that same connection with the node secret that proves this machine is the node; keep
// the node credential. One connection and one request per join. A server that does not send
// its CA in its chain gets the two steps of before: its CA fetched without trusting it and
// checked against the pin, then the registration over a connection verified by that CA. A
// pin mismatch is an error people see, and nothing secret is sent.

import type { TLSSocket } from "node:tls";
import { backoffDelay, RECONNECT_BACKOFF } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";
import { EverynodeError } from "../../shared/errors.js";
import { bearerOf, caHashOf, parseJoinToken, type JoinToken } from "../../shared/join-token.js";
import type { Logger } from "../../shared/logger.js";
import {
  AGENT_REGISTER_PATH,
  CA_CERT_PATH,
  type RegisterRequest,
  type RegisterResponse,
} from "../../shared/protocol.js";
import { ensureNodeSecret, saveCredential, type NodeCredential } from "./credential-store.js";
import { connectUnverified, hostOf, httpsRequest, statusMessage } from "./https-client.js";
import { checkPinnedChain } from "./pinned-chain.js";

/** Fetches the server's CA certificate and checks it against the token's pin. */
export async function fetchPinnedCa(server: string, token: JoinToken): Promise<string> {
  const res = await httpsRequest({
    method: "GET",
    url: new URL(CA_CERT_PATH, server).toString(),
    insecure: true,
  });
  if (res.status !== 200) {
    throw new EverynodeError("Unreachable", `${server} answered ${res.status} for its CA certificate`, {
      temporary: true,
    });
  }
  let hash: string;
  try {
    hash = caHashOf(res.body);
  } catch {
    throw new EverynodeError("TlsPinMismatch", `${server} did not send a valid CA certificate`);
  }
  if (hash !== token.caHash) {
    throw new EverynodeError(
      "TlsPinMismatch",
      `the CA certificate of ${server} has hash ${hash}, but the join token pins ${token.caHash}: ` +
        `this is not the server the token was made for (or the token is out of date)`,
    );
  }
  return res.body;
}

/**
 * Registers the node, on a connection verified by the pinned CA (`{ ca }`) or on one whose
 * chain was checked against the pin (`{ over }`); returns the server's answer.
 */
export async function register(
  server: string,
  trust: { ca: string } | { over: TLSSocket },
  token: JoinToken,
  request: RegisterRequest,
): Promise<RegisterResponse> {
  const res = await httpsRequest({
    method: "POST",
    url: new URL(AGENT_REGISTER_PATH, server).toString(),
    ...trust,
    bearer: bearerOf(token),
    body: request,
  });
  if (res.status === 401) {
    throw new EverynodeError("BadToken", `the server refused the join token: ${statusMessage(res)}`);
  }
  if (res.status === 403) {
    // The token is good but this machine may not be that node (another machine's node
    // secret holds the name) or may not set those labels: the message says what to do.
    throw new EverynodeError("Forbidden", `registration refused: ${statusMessage(res)}`);
  }
  if (res.status === 409 || res.status === 422 || res.status === 400) {
    throw new EverynodeError(
      res.status === 409 ? "Conflict" : "Invalid",
      `registration refused: ${statusMessage(res)}`,
    );
  }
  if (res.status < 200 || res.status >= 300) {
    throw new EverynodeError("Unreachable", `registration failed with ${res.status}: ${statusMessage(res)}`, {
      temporary: true,
    });
  }
  const parsed = JSON.parse(res.body) as Partial<RegisterResponse>;
  if (typeof parsed.nodeName !== "string" || typeof parsed.token !== "string") {
    throw new EverynodeError("ProtocolError", "the registration answer lacks nodeName or token");
  }
  return { nodeName: parsed.nodeName, token: parsed.token };
}

/**
 * The join on one connection: opened unverified, its chain checked against the token's pin
 * before the token is sent on it. Undefined when the server sends no CA in its chain.
 */
export async function registerPinned(
  server: string,
  token: JoinToken,
  request: RegisterRequest,
): Promise<{ caPem: string; answer: RegisterResponse } | undefined> {
  const url = new URL(AGENT_REGISTER_PATH, server);
  const socket = await connectUnverified(url);
  // The certificates' validity is judged by this machine's time, as a verified connection's is.
  const check = checkPinnedChain(socket.getPeerCertificate(true), token.caHash, hostOf(url), Date.now());
  if (!check.ok) {
    socket.destroy();
    if (check.missing) return undefined;
    throw new EverynodeError(
      "TlsPinMismatch",
      `the server ${url.origin} presented a certificate the pinned CA does not vouch for (${check.reason}); is it the server the join token belongs to?`,
    );
  }
  return { caPem: check.caPem, answer: await register(server, { over: socket }, token, request) };
}

/** The join of a server that does not send its CA: fetch it, check its pin, register. */
async function registerInTwoSteps(
  server: string,
  token: JoinToken,
  request: RegisterRequest,
): Promise<{ caPem: string; answer: RegisterResponse }> {
  const caPem = await fetchPinnedCa(server, token);
  return { caPem, answer: await register(server, { ca: caPem }, token, request) };
}

export interface JoinOptions {
  server: string;
  joinToken: string;
  request: RegisterRequest;
  dataDir: string;
}

/** One join attempt: pin check, registration with the node secret, credential stored (mode 0600). */
export async function joinOnce(o: JoinOptions): Promise<NodeCredential> {
  const token = parseJoinToken(o.joinToken);
  const nodeSecret = await ensureNodeSecret(o.dataDir);
  const request = { ...o.request, nodeSecret };
  const { caPem, answer } =
    (await registerPinned(o.server, token, request)) ?? (await registerInTwoSteps(o.server, token, request));
  const credential: NodeCredential = {
    server: o.server,
    caPem,
    nodeName: answer.nodeName,
    token: answer.token,
    sentNodeSecret: true,
  };
  await saveCredential(o.dataDir, credential);
  return credential;
}

/**
 * Joins, retrying with back-off and a log line per failure, until it works or `signal`
 * fires. A token that cannot be parsed is not retried.
 */
export async function joinWithRetry(
  o: JoinOptions & { clock: Clock; logger: Logger; random?: () => number; signal: AbortSignal },
): Promise<NodeCredential> {
  parseJoinToken(o.joinToken);
  for (let failures = 1; ; failures++) {
    o.logger.info("joining", { server: o.server, node: o.request.nodeName });
    try {
      const c = await joinOnce(o);
      o.logger.info(`joined as node ${c.nodeName}`, { server: o.server });
      return c;
    } catch (e) {
      const delay = backoffDelay(RECONNECT_BACKOFF, failures, o.random);
      const code = e instanceof EverynodeError ? e.code : "Error";
      o.logger.warn(
        `join failed; retrying in ${(delay / 1000).toFixed(1)}s because ${(e as Error).message}`,
        {
          code,
        },
      );
      await o.clock.sleep(delay, o.signal);
    }
  }
}
