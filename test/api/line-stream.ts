// Streaming GETs for the API tests: watch events and followed logs arrive as lines.

import http from "node:http";
import { TOKENS } from "./harness.js";

/** A streaming GET that collects lines (watch events, followed logs). */
export interface LineStream {
  status: Promise<number>;
  headers: Promise<http.IncomingHttpHeaders>;
  lines: string[];
  /** Resolves when at least `n` lines arrived. */
  waitFor(n: number): Promise<string[]>;
  ended: Promise<void>;
  close(): void;
}

/** Opens a streaming GET. */
export function stream(
  h: { port: number },
  urlPath: string,
  token = TOKENS.admin,
  accept?: string,
): LineStream {
  const lines: string[] = [];
  const waiters: { n: number; resolve: (l: string[]) => void }[] = [];
  let buffer = "";
  let resolveStatus: (n: number) => void = () => {};
  let resolveHeaders: (hd: http.IncomingHttpHeaders) => void = () => {};
  let resolveEnded: () => void = () => {};
  const status = new Promise<number>((r) => (resolveStatus = r));
  const headers = new Promise<http.IncomingHttpHeaders>((r) => (resolveHeaders = r));
  const ended = new Promise<void>((r) => (resolveEnded = r));
  const check = (): void => {
    for (const w of [...waiters]) {
      if (lines.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve([...lines]);
      }
    }
  };
  const reqHeaders: Record<string, string> = { authorization: `Bearer ${token}` };
  if (accept) reqHeaders.accept = accept;
  const req = http.get({ host: "127.0.0.1", port: h.port, path: urlPath, headers: reqHeaders }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    resolveHeaders(res.headers);
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffer += chunk;
      let i: number;
      while ((i = buffer.indexOf("\n")) >= 0) {
        lines.push(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
      }
      check();
    });
    res.on("end", () => {
      if (buffer) lines.push(buffer);
      buffer = "";
      check();
      resolveEnded();
    });
    res.on("error", () => resolveEnded());
  });
  req.on("error", () => resolveEnded());
  return {
    status,
    headers,
    lines,
    ended,
    waitFor: (n) =>
      new Promise((resolve, reject) => {
        waiters.push({ n, resolve });
        check();
        setTimeout(
          () => reject(new Error(`timed out waiting for ${n} lines, have ${JSON.stringify(lines)}`)),
          5000,
        ).unref();
      }),
    close: () => req.destroy(),
  };
}
