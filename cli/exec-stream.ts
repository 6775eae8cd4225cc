// One command run in a pod's container over the public exec WebSocket, as kubectl runs it
// (v5.channel.k8s.io, else v4): stdin in, stdout and stderr out, terminal sizes, and the
// command's end from the error channel's Status. exec and cp both run through it.

import type { ApiClient } from "./api-client.js";
import { openStreamSocket } from "./stream-socket.js";
import {
  CHANNEL,
  closeStdinFrame,
  commandEnd,
  decodeServerFrame,
  encodeFrame,
  EXEC_PROTOCOLS,
  resizeFrame,
} from "../shared/channel-protocol.js";

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  command: readonly string[];
  tty: boolean;
}

export interface ExecIo {
  /** What goes to the command's stdin (absent: no stdin); its end is the command's EOF (v5). */
  input?: AsyncIterable<Buffer | string>;
  /** Output by channel; a returned promise holds the socket's reading until it settles. */
  stdout(data: Buffer): void | Promise<void>;
  stderr(data: Buffer): void | Promise<void>;
  /** The terminal's size now, and a way to hear when it changes (tty only). */
  size?: () => { width: number; height: number } | undefined;
  onResize?: (listener: () => void) => () => void;
}

/** How the command ended: its exit code, or why it did not run to one. */
export type ExecEnd = { exitCode: number } | { error: string };

/** Bytes of stdin in one message. */
const STDIN_CHUNK = 32 * 1024;

export async function runExec(client: ApiClient, t: ExecTarget, io: ExecIo): Promise<ExecEnd> {
  const query = new URLSearchParams();
  for (const c of t.command) query.append("command", c);
  query.set("container", t.container);
  query.set("stdin", io.input ? "true" : "false");
  query.set("stdout", "true");
  query.set("stderr", t.tty ? "false" : "true");
  query.set("tty", t.tty ? "true" : "false");
  const path = `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/exec`;
  const socket = await openStreamSocket(client.webSocketTarget(path, query), EXEC_PROTOCOLS);
  let status = "";
  let ended = false;
  // Output is handled in order; a slow writer pauses the socket until it caught up.
  let writing: Promise<void> = Promise.resolve();
  socket.onMessage((message) => {
    const frame = decodeServerFrame(message);
    if (!frame) return;
    if (frame.channel === CHANNEL.error) {
      status += frame.data.toString("utf8");
      return;
    }
    const sink =
      frame.channel === CHANNEL.stdout ? io.stdout : frame.channel === CHANNEL.stderr ? io.stderr : undefined;
    const pending = sink?.(frame.data);
    if (pending) {
      socket.pause();
      writing = writing.then(() => pending).finally(() => socket.resume());
    }
  });
  let stopResize: (() => void) | undefined;
  if (t.tty && io.size) {
    const sendSize = (): void => {
      const s = io.size?.();
      if (s) void socket.send(resizeFrame(s.width, s.height)).catch(() => {});
    };
    sendSize();
    stopResize = io.onResize?.(sendSize);
  }
  const pump = async (): Promise<void> => {
    if (!io.input) return;
    for await (const chunk of io.input) {
      if (ended) return;
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      for (let at = 0; at < bytes.length && !ended; at += STDIN_CHUNK)
        await socket.send(encodeFrame(CHANNEL.stdin, bytes.subarray(at, at + STDIN_CHUNK)));
    }
    if (!ended && socket.protocol === "v5.channel.k8s.io") await socket.send(closeStdinFrame());
  };
  const pumping = pump().catch(() => {});
  const closed = await socket.closed;
  ended = true;
  stopResize?.();
  await writing;
  void pumping;
  if (status) return commandEnd(status);
  // Closed without a Status: the stream was cut (kubectl says the same of a lost connection).
  return closed.code === 1000
    ? { exitCode: 0 }
    : { error: `the stream closed (${closed.code}) ${closed.reason}`.trim() };
}
