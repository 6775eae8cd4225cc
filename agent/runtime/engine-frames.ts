// The engine's multiplexed output of a non-terminal exec or attach: frames of an 8-byte
// header (stream type: 1 stdout, 2 stderr; three zero bytes; a big-endian length) and the
// payload. Parsed here, pure, so that the caller keeps its own back-pressure on the socket.

export class EngineFrames {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly emit: (channel: 1 | 2, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const type = buf[0];
      if (size > 0) this.emit(type === 2 ? 2 : 1, buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
    this.pending = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
  }
}
