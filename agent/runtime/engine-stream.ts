// A hijacked engine socket (exec, attach) as the stream server's EngineStream: stdout and
// stderr frames split by EngineFrames (raw output with a TTY), input written with credit,
// and the exit code asked for once the output ended.

import type { Duplex } from "node:stream";
import { EngineFrames } from "./engine-frames.js";
import type { EngineStream } from "./stream-runtime.js";

/** A hijacked engine socket as an EngineStream. */
export function engineStream(
  socket: Duplex,
  tty: boolean,
  resize: (w: number, h: number) => Promise<unknown>,
  exitCode: () => Promise<number | undefined>,
): EngineStream {
  const listeners: ((channel: 1 | 2, data: Buffer) => void)[] = [];
  const emit = (channel: 1 | 2, data: Buffer): void => listeners.forEach((l) => l(channel, data));
  const frames = new EngineFrames(emit);
  socket.on("data", (chunk: Buffer) => (tty ? emit(1, chunk) : frames.push(chunk)));
  const finished = new Promise<void>((resolve) => {
    socket.on("end", resolve);
    socket.on("close", resolve);
    socket.on("error", () => resolve());
  }).then(() => exitCode().catch(() => undefined));
  return {
    write: (data, done) => {
      if (socket.writableEnded || socket.destroyed) return done();
      socket.write(data, () => done());
    },
    endInput: () => {
      if (!socket.writableEnded) socket.end();
    },
    onOutput: (l) => listeners.push(l),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    resize: async (w, h) => {
      await resize(w, h).catch(() => undefined);
    },
    finished,
    close: () => socket.destroy(),
  };
}
