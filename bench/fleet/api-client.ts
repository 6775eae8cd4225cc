// The runner's HTTPS client for the everynode API, as an admin with kubectl's habits: one
// kept-alive connection pool, the admin bearer token, the cluster's CA.

import https from "node:https";

export interface ApiAnswer {
  status: number;
  body: string;
}

/** The Accept header `kubectl get` sends: a server-side Table. */
export const TABLE_ACCEPT =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

export class ApiClient {
  private readonly agent: https.Agent;

  constructor(
    private readonly url: string,
    caPem: string,
    private readonly token: string,
    maxSockets = 16,
  ) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets, ca: caPem });
  }

  request(
    method: string,
    path: string,
    o: { body?: unknown; contentType?: string; accept?: string; timeoutMs?: number } = {},
  ): Promise<ApiAnswer> {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        new URL(path, this.url),
        {
          method,
          agent: this.agent,
          headers: {
            accept: o.accept ?? "application/json",
            authorization: `Bearer ${this.token}`,
            ...(body !== undefined
              ? {
                  "content-type": o.contentType ?? "application/json",
                  "content-length": Buffer.byteLength(body),
                }
              : {}),
          },
          timeout: o.timeoutMs ?? 60_000,
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
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  get(path: string, accept?: string): Promise<ApiAnswer> {
    return this.request("GET", path, accept ? { accept } : {});
  }

  /** GET and parse JSON; undefined on 404. */
  async getJson<T>(path: string): Promise<T | undefined> {
    const res = await this.get(path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** How many objects a list holds, from a one-item page (its remainingItemCount). */
export async function countObjects(api: ApiClient, listPath: string): Promise<number | undefined> {
  const page = await api.getJson<{ items: unknown[]; metadata?: { remainingItemCount?: number } }>(
    `${listPath}${listPath.includes("?") ? "&" : "?"}limit=1`,
  );
  if (!page) return undefined;
  return page.items.length + (page.metadata?.remainingItemCount ?? 0);
}
