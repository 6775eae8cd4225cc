// Serves the control plane's exec, attach and port-forward streams on the agent's own socket
// (nothing listens on the agent): finds the pod's app container (never its sandbox), starts
// the engine's exec or attach (or connects to the pod's port), and moves bytes both ways
// under a credit window per direction, pausing the engine's output while the server has
// not consumed it. At most STREAM_LIMITS.perAgent streams run at once.

import { connect, type Socket } from "node:net";
import type { Logger } from "../../shared/logger.js";
import { truncateUtf8 } from "../../shared/limits.js";
import type { AgentMessage } from "../../shared/protocol.js";
import { AGENT_LIMITS } from "../../shared/protocol.js";
import { CreditReceiver, CreditSender } from "../../shared/stream-credit.js";
import type {
  ServerStreamMessage,
  StreamEndMessage,
  StreamOpenMessage,
} from "../../shared/stream-messages.js";
import { STREAM_LIMITS } from "../../shared/stream-messages.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { LABELS, nodeFilter } from "../runtime/labels.js";
import type { EngineStream, StreamRuntime } from "../runtime/stream-runtime.js";
import { pickContainer } from "./log-streamer.js";

export interface StreamServerOptions {
  runtime: ContainerRuntime;
  streams: StreamRuntime;
  nodeName: string;
  logger: Logger;
  send: (m: AgentMessage) => boolean;
}

/** One side of a stream the server drives: stdin / the TCP connection's output. */
interface Target {
  write(data: Buffer, done: () => void): void;
  endInput(): void;
  onOutput(listener: (channel: number, data: Buffer) => void): void;
  pause(): void;
  resume(): void;
  resize(width: number, height: number): void;
  finished: Promise<number | undefined>;
  close(): void;
}

interface Live {
  target?: Target;
  input: CreditReceiver;
  output: CreditSender;
  cancelled: boolean;
  /** Messages that came before the target was ready. */
  early: ServerStreamMessage[];
  /** Ends the stream once the output still waiting for credit has gone out. */
  afterDrain?: () => void;
}

export class StreamServer {
  private readonly live = new Map<string, Live>();

  constructor(private readonly o: StreamServerOptions) {}

  handle(m: ServerStreamMessage): void {
    if (m.type === "streamOpen") return this.open(m);
    const live = this.live.get(m.streamId);
    if (!live) return;
    if (!live.target) {
      if (m.type === "streamCancel") live.cancelled = true;
      else live.early.push(m);
      return;
    }
    this.apply(live, live.target, m);
  }

  cancelAll(): void {
    for (const live of this.live.values()) {
      live.cancelled = true;
      live.target?.close();
    }
  }

  private apply(live: Live, target: Target, m: ServerStreamMessage): void {
    switch (m.type) {
      case "streamData": {
        const data = Buffer.from(m.data, "base64");
        try {
          live.input.received(data.length);
        } catch {
          target.close();
          return;
        }
        target.write(data, () => live.input.consumed(data.length));
        return;
      }
      case "streamCredit":
        live.output.grant(m.bytes);
        return;
      case "streamResize":
        target.resize(m.width, m.height);
        return;
      case "streamCloseInput":
        target.endInput();
        return;
      case "streamCancel": {
        live.cancelled = true;
        target.close();
        // The server wants no more output: an end that waited for it goes now.
        const end = live.afterDrain;
        live.afterDrain = undefined;
        end?.();
        return;
      }
    }
  }

  private end(streamId: string, end: Omit<StreamEndMessage, "v" | "type" | "streamId">): void {
    if (!this.live.delete(streamId)) return;
    const error = end.error
      ? { error: { ...end.error, message: truncateUtf8(end.error.message, AGENT_LIMITS.textBytes) } }
      : {};
    this.o.send({
      v: 1,
      type: "streamEnd",
      streamId,
      ...(end.exitCode !== undefined ? { exitCode: end.exitCode } : {}),
      ...error,
    });
  }

  private open(m: StreamOpenMessage): void {
    const { streamId } = m;
    if (this.live.has(streamId)) return;
    let target: Target | undefined;
    const live: Live = {
      cancelled: false,
      early: [],
      input: new CreditReceiver(STREAM_LIMITS.windowBytes, (bytes) =>
        this.o.send({ v: 1, type: "streamCredit", streamId, bytes }),
      ),
      output: new CreditSender(
        STREAM_LIMITS.windowBytes,
        (chunk) =>
          this.o.send({
            v: 1,
            type: "streamData",
            streamId,
            channel: pendingChannel,
            data: chunk.toString("base64"),
          }),
        STREAM_LIMITS.chunkBytes,
        () => {
          target?.resume();
          const end = live.afterDrain;
          live.afterDrain = undefined;
          end?.();
        },
      ),
    };
    let pendingChannel = 1;
    if (this.live.size >= STREAM_LIMITS.perAgent) {
      this.live.set(streamId, live);
      this.end(streamId, { error: { code: "BadRequest", message: "too many streams on this node" } });
      return;
    }
    this.live.set(streamId, live);
    void this.start(m)
      .then((t) => {
        target = t;
        if (live.cancelled) {
          t.close();
          this.live.delete(streamId);
          return;
        }
        live.target = t;
        t.onOutput((channel, data) => {
          // One channel per chunk: the sender emits synchronously unless out of credit, and
          // then the source pauses, so a queued chunk is always of the latest channel.
          pendingChannel = channel;
          if (!live.output.write(data)) t.pause();
        });
        for (const e of live.early.splice(0)) this.apply(live, t, e);
        return t.finished.then((exitCode) => {
          const end = (): void => this.end(streamId, exitCode !== undefined ? { exitCode } : {});
          // The end goes after the last output: what still waits for credit is not dropped.
          if (live.output.blocked && !live.cancelled) live.afterDrain = end;
          else end();
        });
      })
      .catch((e: unknown) => {
        const message = (e as Error).message;
        const notFound = /not found|no such|is not running|not available/i.test(message);
        this.o.logger.info("stream failed", {
          pod: `${m.namespace}/${m.podName}`,
          kind: m.kind,
          error: message,
        });
        this.end(streamId, { error: { code: notFound ? "NotFound" : "InternalError", message } });
      });
  }

  private async start(m: StreamOpenMessage): Promise<Target> {
    if (m.kind === "portForward") {
      const container = await this.findContainer(m, undefined);
      const address = await this.o.streams.portAddress(container);
      return tcpTarget(address, m.port ?? 0);
    }
    const container = await this.findContainer(m, m.container);
    const stream =
      m.kind === "exec"
        ? await this.o.streams.execStream(container, { command: m.command, stdin: m.stdin, tty: m.tty })
        : await this.o.streams.attach(container, { stdin: m.stdin, tty: m.tty });
    return engineTarget(stream);
  }

  /** The running app container (by name, or any of the pod's) with the pod's uid. */
  private async findContainer(m: StreamOpenMessage, name: string | undefined): Promise<string> {
    const all = await this.o.runtime.list({
      ...nodeFilter(this.o.nodeName),
      [LABELS.podUid]: m.podUid,
      ...(name ? { [LABELS.container]: name } : {}),
    });
    const running = pickContainer(
      all.filter((c) => c.state === "running" && c.labels[LABELS.container]),
      false,
    );
    if (!running || running.state !== "running")
      throw new Error(
        name
          ? `container "${name}" in pod "${m.podName}" is not running`
          : `pod "${m.podName}" has no running container`,
      );
    return running.id;
  }
}

function engineTarget(s: EngineStream): Target {
  return {
    write: (d, done) => s.write(d, done),
    endInput: () => s.endInput(),
    onOutput: (l) => s.onOutput(l),
    pause: () => s.pause(),
    resume: () => s.resume(),
    resize: (w, h) => void s.resize(w, h),
    finished: s.finished,
    close: () => s.close(),
  };
}

/** A TCP connection to the pod's port; failing to connect is the stream's error. */
function tcpTarget(host: string, port: number): Promise<Target> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    socket.once("error", (e) => reject(new Error(`error forwarding port ${port} to pod: ${e.message}`)));
    socket.once("connect", () => {
      const finished = new Promise<number | undefined>((r) => socket.once("close", () => r(undefined)));
      socket.on("error", () => {});
      resolve({
        write: (d, done) => (socket.writable ? socket.write(d, () => done()) : done()),
        endInput: () => socket.end(),
        onOutput: (l) => socket.on("data", (d: Buffer) => l(1, d)),
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        resize: () => {},
        finished,
        close: () => socket.destroy(),
      });
    });
  });
}
