// Helpers for the engine's streams: tagging the payloads of a multiplexed log or exec stream
// (the engine client's own demultiplexer splits the frames), the events stream's JSON lines,
// and waiting for a stream to end or be cancelled.

import { Writable } from "node:stream";
import { onAbort } from "../../shared/clock.js";

/** The engine client's demultiplexer of stdout/stderr frames (docker-modem's demuxStream). */
export interface Demultiplexer {
  demuxStream(
    stream: NodeJS.ReadableStream,
    stdout: NodeJS.WritableStream,
    stderr: NodeJS.WritableStream,
  ): void;
}

/** Hands each payload of a multiplexed stream to `sink`, tagged with its stream, as it arrives. */
export function demuxInto(
  modem: Demultiplexer,
  stream: NodeJS.ReadableStream,
  sink: (chunk: Buffer, stream: "stdout" | "stderr") => void,
): void {
  // Writes complete at once, so the payloads reach the sink in the order they came.
  const tagged = (tag: "stdout" | "stderr"): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        sink(chunk, tag);
        done();
      },
    });
  modem.demuxStream(stream, tagged("stdout"), tagged("stderr"));
}

/** One engine event as the events stream sends it (only the fields everynode reads). */
export interface EngineEvent {
  Action?: string;
  id?: string;
  Actor?: { Attributes?: Record<string, string> };
}

/** Splits a stream of newline-delimited JSON into objects, across chunk boundaries. */
export class JsonLines {
  private buffered = "";
  constructor(private readonly onObject: (o: EngineEvent) => void) {}

  push(chunk: Buffer): void {
    this.buffered += chunk.toString("utf8");
    let nl: number;
    while ((nl = this.buffered.indexOf("\n")) !== -1) {
      const line = this.buffered.slice(0, nl).trim();
      this.buffered = this.buffered.slice(nl + 1);
      if (!line) continue;
      try {
        this.onObject(JSON.parse(line) as EngineEvent);
      } catch {
        // An odd line is only a lost hint; the periodic pass still runs.
      }
    }
  }
}

/**
 * Resolves when a stream ends, fails, or `signal` fires (then destroys it); feeds its chunks
 * to `onData` when given (otherwise another reader, a demultiplexer, consumes them).
 */
export function untilEnded(
  stream: NodeJS.ReadableStream,
  signal: AbortSignal,
  onData?: (chunk: Buffer) => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const forget = onAbort(signal, () => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      resolve();
    });
    const done = (): void => {
      forget();
      resolve();
    };
    if (onData) stream.on("data", onData);
    stream.on("end", done);
    stream.on("close", done);
    stream.on("error", done);
  });
}
