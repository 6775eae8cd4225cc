// The agent protocol's stream messages: exec, attach and port-forward sessions multiplexed
// on an agent's one WebSocket (nothing inbound on agents). Each stream has an id the server
// picks; bytes travel base64 in `streamData` on numbered channels, and each direction has a
// credit window (stream-credit.ts): a sender never has more than STREAM_LIMITS.windowBytes
// unacknowledged, so a slow reader at either end holds memory to that bound.

import { EverynodeError } from "./errors.js";

export const STREAM_LIMITS = {
  /** Bytes a sender may have in flight per stream and direction before it waits for credit. */
  windowBytes: 256 * 1024,
  /** Payload bytes in one streamData message (before base64). */
  chunkBytes: 64 * 1024,
  /** Streams open at once through one agent; the next one gets 429 until one ends. */
  perAgent: 32,
} as const;

/** Channels of streamData. exec/attach: stdin 0, stdout 1, stderr 2; port-forward: 0 in, 1 out. */
export const STREAM_CHANNEL = { stdin: 0, stdout: 1, stderr: 2 } as const;

export type StreamKind = "exec" | "attach" | "portForward";

/** Server → agent: start a stream. */
export interface StreamOpenMessage {
  v: 1;
  type: "streamOpen";
  streamId: string;
  kind: StreamKind;
  namespace: string;
  podName: string;
  podUid: string;
  container: string;
  /** exec only. */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** portForward only: the pod's port. */
  port?: number;
}

/** Both ways: bytes of one channel. */
export interface StreamDataMessage {
  v: 1;
  type: "streamData";
  streamId: string;
  channel: number;
  data: string;
}

/** Both ways: the receiver consumed `bytes` more; the sender may send that much more. */
export interface StreamCreditMessage {
  v: 1;
  type: "streamCredit";
  streamId: string;
  bytes: number;
}

/** Server → agent: the terminal's new size. */
export interface StreamResizeMessage {
  v: 1;
  type: "streamResize";
  streamId: string;
  width: number;
  height: number;
}

/** Server → agent: the client closed its input (stdin EOF; port-forward half-close). */
export interface StreamCloseInputMessage {
  v: 1;
  type: "streamCloseInput";
  streamId: string;
}

/** Server → agent: the client went away; stop. */
export interface StreamCancelMessage {
  v: 1;
  type: "streamCancel";
  streamId: string;
}

/** Agent → server: the stream is over, with the command's exit code or why it failed. */
export interface StreamEndMessage {
  v: 1;
  type: "streamEnd";
  streamId: string;
  exitCode?: number;
  error?: { code: "NotFound" | "BadRequest" | "InternalError"; message: string };
}

export type AgentStreamMessage = StreamDataMessage | StreamCreditMessage | StreamEndMessage;
export type ServerStreamMessage =
  | StreamOpenMessage
  | StreamDataMessage
  | StreamCreditMessage
  | StreamResizeMessage
  | StreamCloseInputMessage
  | StreamCancelMessage;

export const STREAM_ERROR_CODES = ["NotFound", "BadRequest", "InternalError"] as const;

function fail(message: string): never {
  throw new EverynodeError("ProtocolError", message);
}

function need(m: Record<string, unknown>, key: string, type: "string" | "number" | "boolean"): void {
  if (typeof m[key] !== type || (type === "number" && !Number.isFinite(m[key])))
    fail(`field "${key}" must be a ${type}`);
}

/** Decodes the stream messages an agent may send; undefined for other types. */
export function decodeAgentStreamMessage(m: Record<string, unknown>): AgentStreamMessage | undefined {
  switch (m.type) {
    case "streamData":
      need(m, "streamId", "string");
      need(m, "channel", "number");
      need(m, "data", "string");
      return m as unknown as StreamDataMessage;
    case "streamCredit":
      need(m, "streamId", "string");
      need(m, "bytes", "number");
      return m as unknown as StreamCreditMessage;
    case "streamEnd":
      need(m, "streamId", "string");
      if (m.exitCode !== undefined) need(m, "exitCode", "number");
      if (m.error !== undefined && (typeof m.error !== "object" || m.error === null))
        fail(`field "error" must be an object`);
      return m as unknown as StreamEndMessage;
    default:
      return undefined;
  }
}

/** Decodes the stream messages the server may send; undefined for other types. */
export function decodeServerStreamMessage(m: Record<string, unknown>): ServerStreamMessage | undefined {
  switch (m.type) {
    case "streamOpen":
      for (const k of ["streamId", "kind", "namespace", "podName", "podUid", "container"])
        need(m, k, "string");
      for (const k of ["stdin", "stdout", "stderr", "tty"]) need(m, k, "boolean");
      if (!Array.isArray(m.command) || !m.command.every((c) => typeof c === "string"))
        fail(`field "command" must be a list of strings`);
      if (m.port !== undefined) need(m, "port", "number");
      return m as unknown as StreamOpenMessage;
    case "streamData":
    case "streamCredit":
      return decodeAgentStreamMessage(m) as StreamDataMessage | StreamCreditMessage;
    case "streamResize":
      need(m, "streamId", "string");
      need(m, "width", "number");
      need(m, "height", "number");
      return m as unknown as StreamResizeMessage;
    case "streamCloseInput":
    case "streamCancel":
      need(m, "streamId", "string");
      return m as unknown as StreamCloseInputMessage | StreamCancelMessage;
    default:
      return undefined;
  }
}
