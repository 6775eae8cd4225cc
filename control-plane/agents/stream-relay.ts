// exec, attach and port-forward streams through the agents' sockets: the kubectl-facing side
// (control-plane/streams/) opens a stream here, and bytes go both ways as streamData with a
// credit window per direction (shared/stream-credit.ts), so neither a slow client nor a slow
// container grows the server's memory beyond a window per stream. At most
// STREAM_LIMITS.perAgent streams run through one agent at a time.

import { randomUUID } from "node:crypto";
import type { Pod } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { PROTOCOL_VERSION } from "../../shared/protocol.js";
import { CreditReceiver, CreditSender } from "../../shared/stream-credit.js";
import type {
  ServerStreamMessage,
  StreamCreditMessage,
  StreamDataMessage,
  StreamEndMessage,
  StreamKind,
} from "../../shared/stream-messages.js";
import { STREAM_ERROR_CODES, STREAM_LIMITS } from "../../shared/stream-messages.js";
import type { AgentConnection, SessionRegistry } from "./session-registry.js";

export interface StreamRequest {
  kind: StreamKind;
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  port?: number;
}

/** How the stream ended: the command's exit code, or an error for the user. */
export interface StreamResult {
  exitCode?: number;
  error?: EverynodeError;
}

/** The client's side, as the relay sees it. */
export interface StreamClient {
  /** Bytes for the client; `done` once they were handed to its socket (credit goes back then). */
  output(channel: number, data: Buffer, done: () => void): void;
  /** The stream is over (called once). */
  end(result: StreamResult): void;
  /** The input may flow again after input() returned false. */
  drained(): void;
}

/** What the client's side drives. */
export interface OpenStream {
  /** Bytes from the client; false when the client should pause reading until drained(). */
  input(data: Buffer): boolean;
  closeInput(): void;
  resize(width: number, height: number): void;
  /** The client went away. */
  cancel(): void;
}

interface Live {
  connection: AgentConnection;
  client: StreamClient;
  input: CreditSender;
  output: CreditReceiver;
  ended: boolean;
}

export class StreamRelay {
  private readonly streams = new Map<string, Live>();

  constructor(
    private readonly deps: { registry: SessionRegistry; logger: Logger; newStreamId?: () => string },
  ) {}

  /** Throws what open() would: the pod is not bound, its agent is away or busy. */
  check(pod: Pod): AgentConnection {
    const nodeName = pod.spec.nodeName;
    if (!nodeName)
      throw new EverynodeError("BadRequest", `pod "${pod.metadata.name ?? ""}" is not bound to a node yet`);
    const connection = this.deps.registry.ready(nodeName);
    if (!connection) throw new EverynodeError("ServiceUnavailable", "the node's agent is not connected");
    if (this.countOn(connection) >= STREAM_LIMITS.perAgent)
      throw new EverynodeError(
        "TooManyRequests",
        `node ${nodeName} already carries ${STREAM_LIMITS.perAgent} streams; try again when one ends`,
      );
    return connection;
  }

  /** Starts a stream to the pod's agent; throws as check() does. */
  open(pod: Pod, request: StreamRequest, client: StreamClient): OpenStream {
    const connection = this.check(pod);
    const streamId = this.deps.newStreamId?.() ?? randomUUID();
    const send = (m: ServerStreamMessage): void => {
      connection.send(m).catch(() => this.finish(streamId, disconnected()));
    };
    const live: Live = {
      connection,
      client,
      ended: false,
      input: new CreditSender(
        STREAM_LIMITS.windowBytes,
        (chunk) =>
          send({
            v: PROTOCOL_VERSION,
            type: "streamData",
            streamId,
            channel: 0,
            data: chunk.toString("base64"),
          }),
        STREAM_LIMITS.chunkBytes,
        () => client.drained(),
      ),
      output: new CreditReceiver(STREAM_LIMITS.windowBytes, (bytes) =>
        send({ v: PROTOCOL_VERSION, type: "streamCredit", streamId, bytes }),
      ),
    };
    this.streams.set(streamId, live);
    send({
      v: PROTOCOL_VERSION,
      type: "streamOpen",
      streamId,
      kind: request.kind,
      namespace: pod.metadata.namespace ?? "default",
      podName: pod.metadata.name ?? "",
      podUid: pod.metadata.uid ?? "",
      container: request.container,
      command: request.command,
      stdin: request.stdin,
      stdout: request.stdout,
      stderr: request.stderr,
      tty: request.tty,
      ...(request.port !== undefined ? { port: request.port } : {}),
    });
    const active = (): boolean => this.streams.get(streamId) === live;
    return {
      input: (data) => (active() ? live.input.write(data) : true),
      closeInput: () => {
        if (active()) send({ v: PROTOCOL_VERSION, type: "streamCloseInput", streamId });
      },
      resize: (width, height) => {
        if (active()) send({ v: PROTOCOL_VERSION, type: "streamResize", streamId, width, height });
      },
      cancel: () => {
        if (!active()) return;
        this.streams.delete(streamId);
        send({ v: PROTOCOL_VERSION, type: "streamCancel", streamId });
      },
    };
  }

  /** Streams open through `connection` now. */
  countOn(connection: AgentConnection): number {
    let n = 0;
    for (const s of this.streams.values()) if (s.connection === connection) n++;
    return n;
  }

  /** Output from the agent; throws a ProtocolError when it overran its window. */
  onData(connection: AgentConnection, message: StreamDataMessage): void {
    const live = this.streams.get(message.streamId);
    if (live?.connection !== connection) return;
    const data = Buffer.from(message.data, "base64");
    live.output.received(data.length);
    live.client.output(message.channel, data, () => live.output.consumed(data.length));
  }

  onCredit(connection: AgentConnection, message: StreamCreditMessage): void {
    const live = this.streams.get(message.streamId);
    if (live?.connection === connection) live.input.grant(message.bytes);
  }

  onEnd(connection: AgentConnection, message: StreamEndMessage): void {
    const live = this.streams.get(message.streamId);
    if (live?.connection !== connection) return;
    const error = message.error;
    if (!error)
      return this.finish(
        message.streamId,
        message.exitCode !== undefined ? { exitCode: message.exitCode } : {},
      );
    const code = (STREAM_ERROR_CODES as readonly string[]).includes(error.code)
      ? error.code
      : "InternalError";
    this.finish(message.streamId, {
      error: new EverynodeError(code, String(error.message ?? "the stream failed")),
    });
  }

  /** The agent's socket closed: its streams end with an error the client sees. */
  connectionClosed(connection: AgentConnection): void {
    for (const [id, s] of [...this.streams]) if (s.connection === connection) this.finish(id, disconnected());
  }

  private finish(streamId: string, result: StreamResult): void {
    const live = this.streams.get(streamId);
    if (!live) return;
    this.streams.delete(streamId);
    live.client.end(result);
  }
}

function disconnected(): StreamResult {
  return { error: new EverynodeError("ServiceUnavailable", "the node's agent disconnected") };
}
