// The agent's few HTTPS calls (fetch the CA, register, delete its node), with the trust
// given explicitly: the pinned CA with normal hostname checks, or a connection opened
// unverified whose certificates the caller checks against the join token's pin before
// sending anything on it (pinned-chain.ts), or no verification at all (only to fetch the CA
// from a server that does not send it in its chain, checked by its pin afterwards).

import https from "node:https";
import { isIP } from "node:net";
import { connect, type SecureContext, type TLSSocket } from "node:tls";
import { EverynodeError } from "../../shared/errors.js";

export interface HttpsResponse {
  status: number;
  body: string;
}

export interface HttpsRequest {
  method: "GET" | "POST" | "DELETE";
  url: string;
  /** The pinned CA; omitted only with `insecure` (fetching the CA before checking its pin) or `over`. */
  ca?: string;
  insecure?: boolean;
  /** A connection from connectUnverified whose certificates the caller has checked. */
  over?: TLSSocket;
  bearer?: string;
  body?: unknown;
  timeoutMs?: number;
}

const CERT_ERRORS = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
]);

/** Maps a socket or TLS error to Unreachable or TlsPinMismatch with a message for people. */
export function connectionError(server: string, e: unknown): EverynodeError {
  if (e instanceof EverynodeError) return e;
  const code = (e as { code?: string }).code ?? "";
  const msg = e instanceof Error ? e.message : String(e);
  if (CERT_ERRORS.has(code)) {
    return new EverynodeError(
      "TlsPinMismatch",
      `the server ${server} presented a certificate the pinned CA does not vouch for (${code}); is it the server the join token belongs to?`,
      { cause: e },
    );
  }
  return new EverynodeError("Unreachable", `cannot reach ${server}: ${code || msg}`, {
    cause: e,
    temporary: true,
  });
}

/** The TLS side of a request: each call decides its own, and never takes a pooled socket. */
function trustOf(req: HttpsRequest): https.RequestOptions {
  const over = req.over;
  if (over) return { createConnection: () => over };
  return req.insecure
    ? { rejectUnauthorized: false, agent: false }
    : { ca: req.ca, rejectUnauthorized: true, agent: false };
}

/** The host name a URL dials, as certificates name it (no brackets around IPv6). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * A TLS connection to `url`'s host that checks nothing: the caller checks the peer's
 * certificates (getPeerCertificate) before it sends anything, or destroys it.
 */
export function connectUnverified(
  url: URL,
  options: { timeoutMs?: number; localAddress?: string; secureContext?: SecureContext } = {},
): Promise<TLSSocket> {
  const host = hostOf(url);
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(options.secureContext ? { secureContext: options.secureContext } : {}),
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
    });
    const fail = (e: Error): void => {
      socket.destroy();
      reject(connectionError(url.origin, e));
    };
    socket.setTimeout(timeoutMs, () => fail(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    socket.once("error", fail);
    socket.once("secureConnect", () => {
      socket.off("error", fail);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

/** One HTTPS request; resolves with any status, rejects only when no answer came. */
export function httpsRequest(req: HttpsRequest): Promise<HttpsResponse> {
  const url = new URL(req.url);
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  return new Promise((resolve, reject) => {
    const r = https.request(
      url,
      {
        method: req.method,
        ...trustOf(req),
        headers: {
          accept: "application/json",
          ...(req.bearer ? { authorization: `Bearer ${req.bearer}` } : {}),
          ...(body !== undefined
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
            : {}),
        },
        timeout: req.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", (e) => reject(connectionError(url.origin, e)));
      },
    );
    r.on("timeout", () => r.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    r.on("error", (e) => reject(connectionError(url.origin, e)));
    if (body !== undefined) r.write(body);
    r.end();
  });
}

/** The `message` of a Kubernetes Status body, or the raw text. */
export function statusMessage(res: HttpsResponse): string {
  try {
    const parsed = JSON.parse(res.body) as { message?: string };
    if (parsed.message) return parsed.message;
  } catch {
    // not JSON: use the text
  }
  return res.body.slice(0, 200) || `HTTP ${res.status}`;
}
