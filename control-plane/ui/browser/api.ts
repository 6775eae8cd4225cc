// Talking to the control plane. The admin token lives in sessionStorage (this tab only, gone
// when it closes) and goes in the Authorization header of each request: never in a URL
// (which logs, history and Referer headers keep) and never in a cookie (which the browser
// would attach to requests another site makes: with a header, there is nothing to forge).

const TOKEN_KEY = "everynode.token";

export function token(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An error answer of the API, with the message of its Status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Called when the token stops working (revoked, server reset): back to the login. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let message = text || res.statusText;
  try {
    const status = JSON.parse(text) as { message?: string };
    if (status.message) message = status.message;
  } catch {
    // Not a Status: the text as it is.
  }
  return new ApiError(res.status, message);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** A token to try instead of the stored one (the login form). */
  token?: string;
}

/** One request; rejects with an ApiError on an error answer. */
export async function request(path: string, o: RequestOptions = {}): Promise<Response> {
  const bearer = o.token ?? token();
  const headers: Record<string, string> = { Accept: "application/json" };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (o.body !== undefined) headers["Content-Type"] = o.contentType ?? "application/json";
  const res = await fetch(path, {
    method: o.method ?? "GET",
    headers,
    body: o.body === undefined ? null : JSON.stringify(o.body),
    signal: o.signal ?? null,
    credentials: "omit",
    cache: "no-store",
    referrerPolicy: "no-referrer",
  });
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && o.token === undefined) onUnauthorized();
    throw err;
  }
  return res;
}

export async function getJson<T>(path: string, o: RequestOptions = {}): Promise<T> {
  return (await (await request(path, o)).json()) as T;
}

/** A merge or strategic merge patch, as kubectl sends it, with the dashboard as field manager. */
export async function patch(path: string, body: unknown, type: "merge" | "strategic"): Promise<unknown> {
  const sep = path.includes("?") ? "&" : "?";
  const res = await request(`${path}${sep}fieldManager=everynode-dashboard`, {
    method: "PATCH",
    body,
    contentType: type === "merge" ? "application/merge-patch+json" : "application/strategic-merge-patch+json",
  });
  return res.json();
}

/** Reads a streaming answer line by line (watches, the grid) until it ends or `signal` fires. */
export async function streamLines(
  path: string,
  signal: AbortSignal,
  onLine: (line: string) => void,
): Promise<void> {
  const res = await request(path, { signal });
  await streamText(res, signal, (chunk, carry) => {
    const parts = (carry + chunk).split("\n");
    const rest = parts.pop() ?? "";
    for (const line of parts) if (line.trim() !== "") onLine(line);
    return rest;
  });
}

/** Reads an answer's body as text chunks; `onChunk` returns what to carry into the next. */
export async function streamText(
  res: Response,
  signal: AbortSignal,
  onChunk: (chunk: string, carry: string) => string,
): Promise<void> {
  if (!res.body) return;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let carry = "";
  const stop = (): void => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      carry = onChunk(decoder.decode(value, { stream: true }), carry);
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

/** A query string from the set values. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Waits `ms`, or less if `signal` fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}
