// A small stand-in for everynode's control plane, speaking shared/protocol.ts: an HTTPS
// server on 127.0.0.1 with a CA and server certificate made by node-forge, the register
// and CA endpoints, and the agent WebSocket. Tests script what it sends and read what it got.

import { randomBytes } from "node:crypto";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import forge from "node-forge";
import { WebSocketServer, type WebSocket } from "ws";
import { caHashOf, formatJoinToken } from "../../../shared/join-token.js";
import {
  AGENT_CONNECT_PATH,
  AGENT_POD_TOKEN_PATH,
  AGENT_REGISTER_PATH,
  CA_CERT_PATH,
  decodeAgentMessage,
  type AgentMessage,
  type PodTokenRequest,
  type PodTokenResponse,
  type RegisterRequest,
  type ServerMessage,
} from "../../../shared/protocol.js";

export interface Pki {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A CA and a server certificate for 127.0.0.1 / localhost signed by it. */
export function makePki(): Pki {
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = "01";
  ca.validity.notBefore = new Date(Date.now() - 3600_000);
  ca.validity.notAfter = new Date(Date.now() + 86400_000);
  const caName = [{ name: "commonName", value: "everynode-test-ca" }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "02";
  cert.validity.notBefore = ca.validity.notBefore;
  cert.validity.notAfter = ca.validity.notAfter;
  cert.setSubject([{ name: "commonName", value: "127.0.0.1" }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
      ],
    },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

export interface AgentConn {
  ws: WebSocket;
  bearer: string;
  received: AgentMessage[];
  closed?: { code: number; reason: string };
}

export const JOIN_ID = "abc123";
export const JOIN_SECRET = "0123456789abcdef";
export const NODE_TOKEN = "nod001.fedcba9876543210";

export class FakeControlPlane {
  readonly registers: { bearer: string; body: RegisterRequest }[] = [];
  readonly podTokenRequests: PodTokenRequest[] = [];
  readonly deletes: string[] = [];
  readonly conns: AgentConn[] = [];
  /** Rejected upgrades (401) while false. */
  acceptCredential = true;
  /** TLS connections made to it (of which resumed sessions), and GETs of its CA certificate. */
  tlsConnections = 0;
  resumedConnections = 0;
  caFetches = 0;
  /** What to answer a hello with; default: welcome only. */
  onHello: (conn: AgentConn, hello: Extract<AgentMessage, { type: "hello" }>) => ServerMessage[] = (
    _c,
    h,
  ) => [{ v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 }];
  private server!: https.Server;
  private wss!: WebSocketServer;
  private waiters: (() => void)[] = [];

  /** `caInChain`: send the CA after the server certificate, as everynode's server does. */
  constructor(
    readonly pki: Pki,
    private readonly options: { caInChain?: boolean } = {},
  ) {}

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A join token for this server (or with another CA pin). */
  joinToken(caHash = caHashOf(this.pki.caPem)): string {
    return formatJoinToken({ caHash, id: JOIN_ID, secret: JOIN_SECRET });
  }

  async start(): Promise<void> {
    this.wss = new WebSocketServer({ noServer: true });
    const cert = this.options.caInChain
      ? `${this.pki.certPem.trimEnd()}\n${this.pki.caPem}`
      : this.pki.certPem;
    this.server = https.createServer({ key: this.pki.keyPem, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        const send = (status: number, body: unknown): void => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(typeof body === "string" ? body : JSON.stringify(body));
        };
        if (req.method === "GET" && req.url === CA_CERT_PATH) {
          this.caFetches++;
          res.writeHead(200, { "content-type": "application/x-pem-file" });
          res.end(this.pki.caPem);
        } else if (req.method === "POST" && req.url === AGENT_REGISTER_PATH) {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RegisterRequest;
          this.registers.push({ bearer, body });
          if (bearer !== `${JOIN_ID}.${JOIN_SECRET}`)
            send(401, { kind: "Status", message: "bad join token" });
          else send(201, { nodeName: body.nodeName, token: NODE_TOKEN });
        } else if (req.method === "POST" && req.url === AGENT_POD_TOKEN_PATH && bearer === NODE_TOKEN) {
          // The session's tests are not about tokens: pods here mount none (tokens have their own tests).
          this.podTokenRequests.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as PodTokenRequest);
          send(200, { automount: false } satisfies PodTokenResponse);
        } else if (req.method === "DELETE" && req.url?.startsWith("/api/v1/nodes/")) {
          this.deletes.push(decodeURIComponent(req.url.slice("/api/v1/nodes/".length)));
          send(200, { kind: "Status", status: "Success" });
        } else send(404, { kind: "Status", message: "not found" });
      });
    });
    this.server.on("secureConnection", (socket: TLSSocket) => {
      this.tlsConnections++;
      if (socket.isSessionReused()) this.resumedConnections++;
    });
    this.server.on("upgrade", (req, socket, head) => {
      const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      if (req.url !== AGENT_CONNECT_PATH || !this.acceptCredential || bearer !== NODE_TOKEN) {
        socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, bearer));
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    this.wss.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Forgets every session it issued (as a restarted server does): the next handshakes are full. */
  forgetSessions(): void {
    this.server.setTicketKeys(randomBytes(48));
  }

  /** The newest connection. */
  get last(): AgentConn | undefined {
    return this.conns[this.conns.length - 1];
  }

  send(conn: AgentConn, m: ServerMessage | string): void {
    conn.ws.send(typeof m === "string" ? m : JSON.stringify(m));
  }

  /** Waits (real time, for the network) until `cond` holds. */
  async until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 20);
      });
    }
  }

  private accept(ws: WebSocket, bearer: string): void {
    const conn: AgentConn = { ws, bearer, received: [] };
    this.conns.push(conn);
    ws.on("message", (data: Buffer) => {
      const m = decodeAgentMessage(data);
      conn.received.push(m);
      if (m.type === "hello") for (const reply of this.onHello(conn, m)) this.send(conn, reply);
      if (m.type === "podStatus") this.send(conn, { v: 1, type: "ack", seq: m.seq });
      this.wake();
    });
    ws.on("close", (code, reason) => {
      conn.closed = { code, reason: reason.toString("utf8") };
      this.wake();
    });
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
