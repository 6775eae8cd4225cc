// The CLI's only way to the cluster: HTTPS (or HTTP) requests to the public API with the
// kubeconfig's CA and bearer token. Status bodies become EverynodeErrors; transport
// failures are worded as kubectl words them.

import http from "node:http";
import https from "node:https";
import type { Connection } from "./kubeconfig.js";
import { EverynodeError, errorFromStatus } from "../shared/errors.js";
import type { Status } from "../shared/api-types.js";
import { EVERYNODE_VERSION } from "../shared/version.js";

/** The Accept header of a human-readable `get`: a server-side Table. */
export const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const serverErrors = new WeakSet<EverynodeError>();

/** Whether an error came from the API (a Status), so it prints as `Error from server (...)`. */
export function isServerError(e: unknown): boolean {
  return e instanceof EverynodeError && serverErrors.has(e);
}

/** Marks an error as the server's (keeps its kubectl-style printing after rewording). */
export function markServerError(e: EverynodeError): EverynodeError {
  serverErrors.add(e);
  return e;
}

/** Builds `path?query`, leaving out undefined values. */
export function withQuery(path: string, query: RequestOptions["query"]): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes("?") ? "&" : "?"}${s}` : path;
}

/** Turns a failed response into the catalogue's error. */
export function errorFromResponse(
  status: number,
  body: string,
  method: string,
  path: string,
): EverynodeError {
  let parsed: Partial<Status> | undefined;
  try {
    const j = JSON.parse(body) as Partial<Status>;
    if (j && j.kind === "Status") parsed = j;
  } catch {
    // not JSON: fall back to the HTTP status
  }
  if (status === 401)
    return markServerError(new EverynodeError("Unauthorized", parsed?.message ?? "Unauthorized"));
  const err = errorFromStatus(
    parsed ?? {
      message: `the server could not find the requested resource (${method.toLowerCase()} ${path})`,
    },
    status,
  );
  return markServerError(err);
}

/** A transport failure in kubectl's words; names the kubeconfig when the CLI found it by itself. */
export function transportError(e: NodeJS.ErrnoException, url: URL, foundKubeconfig?: string): EverynodeError {
  const err = transportFailure(e, url);
  if (!foundKubeconfig) return err;
  return new EverynodeError(
    err.code,
    `${err.message} (using the kubeconfig ${foundKubeconfig}, found by itself; pass --kubeconfig or set KUBECONFIG)`,
    { cause: e },
  );
}

function transportFailure(e: NodeJS.ErrnoException, url: URL): EverynodeError {
  const hostPort = `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
  const code = e.code ?? "";
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EHOSTUNREACH")
    return new EverynodeError(
      "Unreachable",
      `The connection to the server ${hostPort} was refused - did you specify the right host or port?`,
      { cause: e },
    );
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new EverynodeError(
      "Unreachable",
      `Unable to connect to the server: dial tcp: lookup ${url.hostname}: no such host`,
      {
        cause: e,
      },
    );
  if (code === "ETIMEDOUT" || code === "ESOCKETTIMEDOUT")
    return new EverynodeError(
      "Unreachable",
      `Unable to connect to the server: dial tcp ${hostPort}: i/o timeout`,
      { cause: e },
    );
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME/.test(code))
    return new EverynodeError(
      "Unreachable",
      `Unable to connect to the server: tls: failed to verify certificate: ${e.message} ` +
        `(is the kubeconfig's certificate-authority the one of ${hostPort}?)`,
      { cause: e },
    );
  return new EverynodeError("Unreachable", `Unable to connect to the server: ${e.message}`, { cause: e });
}

export interface WebSocketTarget {
  url: URL;
  /** The API path (for messages). */
  path: string;
  headers: Record<string, string>;
  tls: { ca?: string; cert?: string; key?: string | undefined; rejectUnauthorized: boolean };
  foundKubeconfig?: string;
}

/** A client bound to one server and one credential. */
export class ApiClient {
  private readonly base: URL;
  private readonly agent: http.Agent;

  constructor(private readonly conn: Connection) {
    this.base = new URL(conn.server);
    this.agent =
      this.base.protocol === "https:"
        ? new https.Agent({
            keepAlive: true,
            ...(conn.ca ? { ca: conn.ca } : {}),
            ...(conn.clientCert ? { cert: conn.clientCert, key: conn.clientKey } : {}),
            rejectUnauthorized: !conn.insecure,
          })
        : new http.Agent({ keepAlive: true });
  }

  /** The server's URL without a trailing slash (for messages). */
  get baseUrl(): string {
    return this.base.toString().replace(/\/$/, "");
  }

  /** Sends one request and hands back the response as it is; only transport failures throw. */
  raw(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = this.open(
        method,
        path,
        opts,
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          res.on("error", reject);
        },
        reject,
      );
      req.end(this.encodeBody(opts));
    });
  }

  /** A JSON request: the parsed body on 2xx, an EverynodeError otherwise. */
  async json<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, opts);
    if (res.status >= 400) throw errorFromResponse(res.status, res.body, method, path);
    return (res.body ? JSON.parse(res.body) : {}) as T;
  }

  /** A streaming GET: calls `onData` with each chunk of text until the server ends it or `signal` aborts. */
  stream(path: string, opts: RequestOptions, onData: (text: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = this.open(
        "GET",
        path,
        opts,
        (res) => {
          if ((res.statusCode ?? 0) >= 400) {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              reject(
                errorFromResponse(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), "GET", path),
              ),
            );
            return;
          }
          res.setEncoding("utf8");
          res.on("data", (t: string) => onData(t));
          res.on("end", () => resolve());
          res.on("error", (e) => (opts.signal?.aborted ? resolve() : reject(e)));
          res.on("close", () => resolve());
        },
        (e) => (opts.signal?.aborted ? resolve() : reject(e)),
      );
      req.end();
    });
  }

  /** A watch: calls `onEvent` with each line-delimited JSON event. */
  async watch(
    path: string,
    opts: RequestOptions,
    onEvent: (event: { type: string; object: Record<string, unknown> }) => void,
  ): Promise<void> {
    let pending = "";
    await this.stream(path, { ...opts, query: { ...opts.query, watch: "true" } }, (text) => {
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) onEvent(JSON.parse(line) as { type: string; object: Record<string, unknown> });
      }
    });
  }

  /**
   * What a WebSocket to `path` needs (exec, cp and port-forward): its wss:// URL, the
   * credential's header and the kubeconfig's TLS settings. cli/stream-socket.ts dials it.
   */
  webSocketTarget(path: string, query: URLSearchParams): WebSocketTarget {
    const url = new URL(`${path}?${query.toString()}`, this.base);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return {
      url,
      path,
      headers: {
        "User-Agent": `everynode/${EVERYNODE_VERSION}`,
        ...(this.conn.token ? { Authorization: `Bearer ${this.conn.token}` } : {}),
      },
      tls: {
        ...(this.conn.ca ? { ca: this.conn.ca } : {}),
        ...(this.conn.clientCert ? { cert: this.conn.clientCert, key: this.conn.clientKey } : {}),
        rejectUnauthorized: !this.conn.insecure,
      },
      ...(this.conn.foundKubeconfig ? { foundKubeconfig: this.conn.foundKubeconfig } : {}),
    };
  }

  /** Releases kept-alive sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  private encodeBody(opts: RequestOptions): string | undefined {
    if (opts.body === undefined) return undefined;
    return typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  }

  private open(
    method: string,
    path: string,
    opts: RequestOptions,
    onResponse: (res: http.IncomingMessage) => void,
    onError: (e: unknown) => void,
  ): http.ClientRequest {
    const url = new URL(withQuery(path, opts.query), this.base);
    const headers: Record<string, string> = {
      Accept: opts.accept ?? "application/json",
      "User-Agent": `everynode/${EVERYNODE_VERSION}`,
    };
    if (this.conn.token) headers.Authorization = `Bearer ${this.conn.token}`;
    const body = this.encodeBody(opts);
    if (body !== undefined) {
      headers["Content-Type"] = opts.contentType ?? "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    const mod = url.protocol === "https:" ? https : http;
    const req = mod.request(url, { method, headers, agent: this.agent }, onResponse);
    // Aborting ends the exchange quietly: the caller asked for it and resolves on its own.
    const signal = opts.signal;
    if (signal) {
      const onAbort = (): void => {
        req.destroy();
        onError(Object.assign(new Error("aborted"), { name: "AbortError" }));
      };
      if (signal.aborted) queueMicrotask(onAbort);
      else signal.addEventListener("abort", onAbort, { once: true });
      req.on("close", () => signal.removeEventListener("abort", onAbort));
    }
    req.setTimeout(opts.signal ? 0 : 60_000, () =>
      req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })),
    );
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (signal?.aborted) return;
      onError(transportError(e, url, this.conn.foundKubeconfig));
    });
    return req;
  }
}
