// A simulated agent's join, costing the server what the real one's does (agent/session/join.ts):
// one TLS connection and one request per join, the registration with the join token and the
// node secret. The agent checks that connection against the token's pin by the CA the server
// sends in its chain; the simulator, which fetched and pinned the CA once per process,
// verifies it with that CA in the handshake instead: the agent's check costs about a
// millisecond of JavaScript per join, which would cost the simulator, not the server, and
// crowd the server off the machine it shares. For the same reason the TLS contexts are made
// once per process, and Node's check of the server's name reads the leaf certificate only
// (sim-tls.ts).

import https from "node:https";
import { createSecureContext, type SecureContext, type TLSSocket } from "node:tls";
import { bearerOf, caHashOf, type JoinToken } from "../../shared/join-token.js";
import { checkLeafOnly } from "./sim-tls.js";
import {
  AGENT_REGISTER_PATH,
  CA_CERT_PATH,
  type RegisterRequest,
  type RegisterResponse,
} from "../../shared/protocol.js";

export interface SimRequest {
  server: URL;
  method: "GET" | "POST";
  path: string;
  localAddress: string;
  /** Omitted only to fetch the CA (checked by its pin afterwards). */
  secureContext?: SecureContext;
  bearer?: string;
  body?: unknown;
  timeoutMs?: number;
}

export function simRequest(r: SimRequest): Promise<{ status: number; body: string }> {
  const body = r.body === undefined ? undefined : JSON.stringify(r.body);
  const url = new URL(r.path, r.server).toString();
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: r.method,
        agent: false,
        localAddress: r.localAddress,
        ...(r.secureContext
          ? { secureContext: r.secureContext, rejectUnauthorized: true }
          : { secureContext: insecureContext(), rejectUnauthorized: false }),
        headers: {
          accept: "application/json",
          ...(r.bearer ? { authorization: `Bearer ${r.bearer}` } : {}),
          ...(body !== undefined
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
            : {}),
        },
        timeout: r.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    // Before its handshake ends: Node's name check then reads the leaf only (sim-tls.ts).
    req.on("socket", (socket) => checkLeafOnly(socket as TLSSocket));
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

let insecure: SecureContext | undefined;
/** The context of the one unverified request (fetching the CA), made once. */
function insecureContext(): SecureContext {
  return (insecure ??= createSecureContext());
}

/** GET the CA certificate and check it against the token's pin; returns its PEM. */
export async function fetchPinnedCa(server: URL, token: JoinToken, localAddress: string): Promise<string> {
  const res = await simRequest({ server, method: "GET", path: CA_CERT_PATH, localAddress });
  if (res.status !== 200) throw new Error(`CA certificate: HTTP ${res.status}`);
  if (caHashOf(res.body) !== token.caHash) throw new Error("the CA certificate does not match the pin");
  return res.body;
}

/** POST the registration; returns the node credential. */
export async function registerNode(
  server: URL,
  secureContext: SecureContext,
  token: JoinToken,
  request: RegisterRequest,
  localAddress: string,
): Promise<RegisterResponse> {
  const res = await simRequest({
    server,
    method: "POST",
    path: AGENT_REGISTER_PATH,
    localAddress,
    secureContext,
    bearer: bearerOf(token),
    body: request,
  });
  if (res.status !== 200) throw new Error(`register: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  const parsed = JSON.parse(res.body) as Partial<RegisterResponse>;
  if (typeof parsed.nodeName !== "string" || typeof parsed.token !== "string")
    throw new Error("register: the answer lacks nodeName or token");
  return { nodeName: parsed.nodeName, token: parsed.token };
}
