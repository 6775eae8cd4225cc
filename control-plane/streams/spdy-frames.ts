// SPDY/3.1 framing as kubectl's port-forward uses it inside a WebSocket, pure except for
// zlib: control frames (SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS,
// WINDOW_UPDATE) and data frames. Header blocks are one zlib stream per direction with the
// protocol's preset dictionary: what the client sent is inflated as one growing stream; what
// we send is stored (uncompressed) deflate blocks, valid zlib that needs no compressor state.

import { constants, inflateSync } from "node:zlib";

export const SPDY_TYPE = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;
export const FLAG_FIN = 0x01;

const WORDS = (
  "options head post put delete trace accept accept-charset accept-encoding accept-language " +
  "accept-ranges age allow authorization cache-control connection content-base content-encoding " +
  "content-language content-length content-location content-md5 content-range content-type date " +
  "etag expect expires from host if-match if-modified-since if-none-match if-range " +
  "if-unmodified-since last-modified location max-forwards pragma proxy-authenticate " +
  "proxy-authorization range referer retry-after server te trailer transfer-encoding upgrade " +
  "user-agent vary via warning www-authenticate method get status"
).split(" ");
const WORDS_AFTER_STATUS = [
  "200 OK",
  "version",
  "HTTP/1.1",
  "url",
  "public",
  "set-cookie",
  "keep-alive",
  "origin",
];
const TAIL =
  "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
  "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized" +
  "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable" +
  "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
  "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain," +
  "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

/** The SPDY/3 header dictionary (draft 3, 2.6.10.1): length-prefixed words, then a tail. */
export const SPDY_DICTIONARY: Buffer = Buffer.concat([
  ...[...WORDS, ...WORDS_AFTER_STATUS].map((w) => {
    const b = Buffer.alloc(4 + w.length);
    b.writeUInt32BE(w.length);
    b.write(w, 4, "latin1");
    return b;
  }),
  Buffer.from(TAIL, "latin1"),
]);

export type SpdyFrame =
  | { control: true; type: number; flags: number; data: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

/** Takes whole frames off the front of the bytes received so far. */
export class SpdyReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + length) break;
      const flags = this.buf[4]!;
      const data = this.buf.subarray(8, 8 + length);
      if (this.buf[0]! & 0x80) frames.push({ control: true, type: this.buf.readUInt16BE(2), flags, data });
      else frames.push({ control: false, streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, data });
      this.buf = this.buf.subarray(8 + length);
    }
    this.buf = Buffer.from(this.buf);
    return frames;
  }
}

/** The client's header blocks: one zlib stream, inflated as it grows. */
export class HeaderInflater {
  private compressed: Buffer = Buffer.alloc(0);
  private seen = 0;

  /** The name/value pairs of the next header block. */
  inflate(block: Buffer): Map<string, string> {
    this.compressed = Buffer.concat([this.compressed, block]);
    const all = inflateSync(this.compressed, {
      dictionary: SPDY_DICTIONARY,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const out = all.subarray(this.seen);
    this.seen = all.length;
    const headers = new Map<string, string>();
    let at = 4;
    const count = out.readUInt32BE(0);
    for (let i = 0; i < count; i++) {
      const nameLength = out.readUInt32BE(at);
      const name = out.toString("utf8", at + 4, at + 4 + nameLength);
      at += 4 + nameLength;
      const valueLength = out.readUInt32BE(at);
      headers.set(name.toLowerCase(), out.toString("utf8", at + 4, at + 4 + valueLength));
      at += 4 + valueLength;
    }
    return headers;
  }
}

/** Our header blocks: a zlib stream of stored (uncompressed) blocks, the zlib header first. */
export class HeaderDeflater {
  private started = false;

  deflate(headers: [string, string][]): Buffer {
    const parts: Buffer[] = [u32(headers.length)];
    for (const [name, value] of headers)
      parts.push(u32(name.length), Buffer.from(name), u32(Buffer.byteLength(value)), Buffer.from(value));
    const raw = Buffer.concat(parts);
    const stored = Buffer.alloc(5);
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    // Then an empty stored block, as a sync flush ends one: Go's inflater hands the data
    // over only when it meets that marker, without reading past the frame.
    const block = Buffer.concat([stored, raw, Buffer.from([0, 0, 0, 0xff, 0xff])]);
    if (this.started) return block;
    this.started = true;
    const cmf = 0x78;
    const flg = 0x20 + (31 - ((cmf * 256 + 0x20) % 31)); // FDICT, and the header's check bits
    return Buffer.concat([Buffer.from([cmf, flg]), u32(adler32(SPDY_DICTIONARY)), block]);
  }
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function controlFrame(type: number, flags: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8003, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(data.length, 4);
  h[4] = flags;
  return Buffer.concat([h, data]);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h.writeUInt32BE(data.length, 4);
  h[4] = flags;
  return Buffer.concat([h, data]);
}

export { u32 };
