// The agent's side of exec streams: a command that ends with more output than the server's
// credit window still delivers all of it before its exit code.

import { describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.js";
import type { AgentMessage } from "../../shared/protocol.js";
import { STREAM_LIMITS } from "../../shared/stream-messages.js";
import type { ContainerRuntime, ObservedContainer } from "../runtime/container-runtime.js";
import { LABELS } from "../runtime/labels.js";
import type { EngineStream, StreamRuntime } from "../runtime/stream-runtime.js";
import { StreamServer } from "./stream-server.js";

/** An exec whose command writes `bytes` at once and exits 0 before any credit comes back. */
function fastCommand(bytes: number): { streams: StreamRuntime; runtime: ContainerRuntime } {
  const container = {
    id: "c1",
    state: "running",
    labels: { [LABELS.podUid]: "uid-1", [LABELS.container]: "app" },
  } as unknown as ObservedContainer;
  let emit: (channel: 1 | 2, data: Buffer) => void = () => {};
  const stream: EngineStream = {
    write: (_d, done) => done(),
    endInput: () => {},
    onOutput: (l) => {
      emit = l;
      // The whole output, then the end: as tar's last blocks come with its exit.
      queueMicrotask(() => emit(1, Buffer.alloc(bytes, 7)));
    },
    pause: () => {},
    resume: () => {},
    resize: async () => {},
    finished: new Promise((resolve) => setTimeout(() => resolve(0), 5)),
    close: () => {},
  };
  return {
    runtime: { list: async () => [container] } as unknown as ContainerRuntime,
    streams: {
      execStream: async () => stream,
      attach: async () => stream,
      portAddress: async () => "",
      usage: async () => ({ cpuNanoseconds: 0, memoryBytes: 0 }),
    },
  };
}

const open = {
  v: 1 as const,
  type: "streamOpen" as const,
  streamId: "s1",
  kind: "exec" as const,
  namespace: "default",
  podName: "p",
  podUid: "uid-1",
  container: "app",
  command: ["tar", "cf", "-", "x"],
  stdin: false,
  stdout: true,
  stderr: true,
  tty: false,
};

/** A stream server running a command of `bytes` of output, and what it sent. */
async function started(bytes: number): Promise<{ server: StreamServer; sent: AgentMessage[] }> {
  const sent: AgentMessage[] = [];
  const server = new StreamServer({
    ...fastCommand(bytes),
    nodeName: "n1",
    logger: silentLogger,
    send: (m) => {
      sent.push(m);
      return true;
    },
  });
  server.handle(open);
  await new Promise((r) => setTimeout(r, 30));
  return { server, sent };
}

describe("StreamServer", () => {
  it("sends the end after the output that waited for credit, not before", async () => {
    const total = 3 * STREAM_LIMITS.windowBytes + 123;
    const { server, sent } = await started(total);
    const bytesSent = (): number =>
      sent.reduce((n, m) => n + (m.type === "streamData" ? Buffer.from(m.data, "base64").length : 0), 0);
    // The command is over, but only a window went out: no end yet.
    expect(bytesSent()).toBe(STREAM_LIMITS.windowBytes);
    expect(sent.some((m) => m.type === "streamEnd")).toBe(false);
    // The server consumes and grants credit, window by window.
    while (!sent.some((m) => m.type === "streamEnd"))
      server.handle({ v: 1, type: "streamCredit", streamId: "s1", bytes: STREAM_LIMITS.windowBytes });
    expect(bytesSent()).toBe(total);
    expect(sent.at(-1)).toMatchObject({ type: "streamEnd", streamId: "s1", exitCode: 0 });
  });

  it("a cancel while output waits for credit ends the stream at once", async () => {
    const { server, sent } = await started(2 * STREAM_LIMITS.windowBytes);
    expect(sent.some((m) => m.type === "streamEnd")).toBe(false);
    server.handle({ v: 1, type: "streamCancel", streamId: "s1" });
    expect(sent.at(-1)).toMatchObject({ type: "streamEnd", streamId: "s1" });
  });
});
