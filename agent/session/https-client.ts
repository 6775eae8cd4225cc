// The agent's few HTTPS calls (fetch the CA, register, delete its node), with the trust
// given explicitly: either no verification (only to fetch the CA, checked by its pin
// afterwards) or the pinned CA with normal hostname checks.

import https from "node:https";
import { EverynodeError } from "../../shared/errors.js";

export interface HttpsResponse {
  status: number;
  body: string;
}

export interface HttpsRequest {
  method: "GET" | "POST" | "DELETE";
  url: string;
  /** The pinned CA; omitted only with `insecure` (fetching the CA before checking its pin). */
  ca?: string;
  insecure?: boolean;
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

/** One HTTPS request; resolves with any status, rejects only when no answer came. */
export function httpsRequest(req: HttpsRequest): Promise<HttpsResponse> {
  const url = new URL(req.url);
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  return new Promise((resolve, reject) => {
    const r = https.request(
      url,
      {
        method: req.method,
        ...(req.insecure ? { rejectUnauthorized: false } : { ca: req.ca, rejectUnauthorized: true }),
        headers: {
          accept: "application/json",
          ...(req.bearer ? { authorization: `Bearer ${req.bearer}` } : {}),
          ...(body !== undefined
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
            : {}),
        },
        timeout: req.timeoutMs ?? 15_000,
        // Each call decides its own trust: never reuse a pooled socket across them.
        agent: false,
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
