// What a command may touch besides the API: its output streams, standard input and the
// clock. main.ts wires the process; tests pass buffers.

import type { Clock } from "../shared/clock.js";
import { systemClock } from "../shared/clock.js";

/** The process's own byte streams, for the verbs that carry bytes (exec, cp, port-forward). */
export interface ProcessStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown; destroy?(): void };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
}

/** The terminal side of a command. */
export interface Io {
  /** Set for the process itself; absent in tests that pass buffers. */
  streams?: ProcessStreams;
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  /** Whether stderr / stdout are terminals: progress lines are redrawn in place only then. */
  errIsTTY: boolean;
  outIsTTY: boolean;
  clock: Clock;
}

/** The process's own streams. */
export function processIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    errIsTTY: Boolean(process.stderr.isTTY),
    outIsTTY: Boolean(process.stdout.isTTY),
    clock: systemClock,
    streams: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  };
}

/** An Io that records what was written (for tests). */
export function bufferIo(stdin = "", clock: Clock = systemClock): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    readStdin: async () => stdin,
    errIsTTY: false,
    outIsTTY: false,
    clock,
  };
  return io;
}
