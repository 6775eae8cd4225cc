// Byte-level helpers for the engine's streams: the multiplexed log framing, the events
// stream's JSON lines, and waiting for a stream to end or be cancelled.

/**
 * Splits Docker's multiplexed log stream (8-byte frame headers) into payloads, across
 * chunk boundaries.
 */
export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly sink: (chunk: Buffer, stream: "stdout" | "stderr") => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const kind = this.pending[0] === 2 ? "stderr" : "stdout";
      this.sink(this.pending.subarray(8, 8 + size), kind);
      this.pending = this.pending.subarray(8 + size);
    }
  }
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

/** Feeds a stream's chunks to `onData` until it ends, fails, or `signal` fires (then destroys it). */
export function untilEnded(
  stream: NodeJS.ReadableStream,
  signal: AbortSignal,
  onData: (chunk: Buffer) => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => resolve();
    stream.on("data", onData);
    stream.on("end", done);
    stream.on("close", done);
    stream.on("error", done);
    if (signal.aborted) done();
    signal.addEventListener("abort", () => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      done();
    });
  });
}
