// Log bytes gathered into `logData`-sized chunks: a container's log comes from Docker one
// line per frame, and one message per line would soon exceed the control plane's message
// rate (AGENT_LIMITS). Bytes are held until there is a full chunk or `windowMs` passed
// since the first of them, so a follow still shows lines promptly.

import type { Clock } from "../../shared/clock.js";

export interface LogChunkerOptions {
  clock: Clock;
  /** Largest chunk handed on. */
  chunkBytes: number;
  /** Longest time bytes wait for more. */
  windowMs: number;
  emit: (chunk: Buffer) => void;
}

export class LogChunker {
  private parts: Buffer[] = [];
  private size = 0;
  private timer: AbortController | undefined;

  constructor(private readonly o: LogChunkerOptions) {}

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.size += bytes.length;
    if (this.size >= this.o.chunkBytes) this.drain(false);
    if (this.size > 0 && !this.timer) {
      const timer = new AbortController();
      this.timer = timer;
      this.o.clock.sleep(this.o.windowMs, timer.signal).then(
        () => {
          if (this.timer === timer) this.flush();
        },
        () => {},
      );
    }
  }

  /** Hands on everything held now (before the stream's end). */
  flush(): void {
    this.drain(true);
  }

  /** Emits full chunks, and with `all` the remainder too. */
  private drain(all: boolean): void {
    let buffered = Buffer.concat(this.parts, this.size);
    while (buffered.length >= this.o.chunkBytes) {
      this.o.emit(buffered.subarray(0, this.o.chunkBytes));
      buffered = buffered.subarray(this.o.chunkBytes);
    }
    if (all && buffered.length > 0) {
      this.o.emit(buffered);
      buffered = Buffer.alloc(0);
    }
    this.parts = buffered.length > 0 ? [buffered] : [];
    this.size = buffered.length;
    if (this.size === 0) {
      this.timer?.abort();
      this.timer = undefined;
    }
  }
}
