// A small tar (POSIX ustar) for `everynode cp`, made and read by the CLI itself: headers for
// files, directories and symbolic links (a GNU long-name record before a name of more than
// 100 bytes), and a streaming reader that also understands the long-name and PAX path
// records other tars write (busybox's and GNU tar's). Pure: bytes in, bytes out.

export type TarType = "file" | "directory" | "symlink" | "other";

export interface TarEntry {
  /** The path inside the archive, `/`-separated, no leading slash. */
  name: string;
  type: TarType;
  mode: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname?: string;
}

export const BLOCK = 512;
/** Two empty blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
/** The largest size the 11 octal digits of a ustar header hold. */
const MAX_SIZE = 8 ** 11 - 1;

const TYPE_FLAG: Record<Exclude<TarType, "other">, string> = { file: "0", directory: "5", symlink: "2" };

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, flag: string, e: Omit<TarEntry, "name" | "type">): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 100, "utf8");
  b.write(octal(e.mode & 0o7777, 8), 100, "ascii");
  b.write(octal(0, 8), 108, "ascii");
  b.write(octal(0, 8), 116, "ascii");
  b.write(octal(e.size, 12), 124, "ascii");
  b.write(octal(Math.max(0, Math.floor(e.mtime)), 12), 136, "ascii");
  b.write("        ", 148, "ascii");
  b.write(flag, 156, "ascii");
  if (e.linkname) b.write(e.linkname, 157, 100, "utf8");
  b.write("ustar\0" + "00", 257, "ascii");
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(octal(sum, 7) + " ", 148, "ascii");
  return b;
}

/** Zero bytes that fill `size` up to a whole block. */
export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The header blocks of one entry (its data, then padding(size), follow for a file). */
export function entryHeader(e: TarEntry): Buffer {
  if (e.type === "other") throw new Error(`cannot archive ${e.name}: not a file, directory or link`);
  if (e.size > MAX_SIZE) throw new Error(`cannot archive ${e.name}: larger than 8 GiB`);
  const name = e.type === "directory" && !e.name.endsWith("/") ? `${e.name}/` : e.name;
  const parts: Buffer[] = [];
  for (const [value, flag] of [
    [name, "L"],
    [e.linkname ?? "", "K"],
  ] as const) {
    const bytes = Buffer.from(value + "\0", "utf8");
    if (bytes.length <= 101) continue;
    parts.push(
      header("././@LongLink", flag, { mode: 0o644, size: bytes.length, mtime: 0 }),
      bytes,
      padding(bytes.length),
    );
  }
  const size = e.type === "file" ? e.size : 0;
  parts.push(header(name, TYPE_FLAG[e.type], { ...e, size }));
  return Buffer.concat(parts);
}

function text(b: Buffer, start: number, length: number): string {
  const field = b.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString("utf8");
}

function number(b: Buffer, start: number, length: number): number {
  // GNU's base-256 form for large values: the high bit of the first byte set.
  if ((b[start] ?? 0) & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + (b[i] ?? 0);
    return n;
  }
  const t = text(b, start, length).trim();
  return t ? parseInt(t, 8) : 0;
}

/** The path (and link path) of PAX extended records. */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString("ascii"));
    if (space < 0 || !(length > 0)) break;
    const record = data.subarray(space + 1, at + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

export interface TarSink {
  /** An entry begins; a file's data follows in `data` calls. */
  entry(e: TarEntry): void;
  data(chunk: Buffer): void;
  /** The current entry's data ended. */
  end(): void;
}

/** Reads an archive pushed in chunks of any size, telling the sink each entry and its data. */
export class TarReader {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of the current entry's data still to come, then its padding. */
  private left = 0;
  private pad = 0;
  private inEntry = false;
  /** An extended record being read (long name, long link, PAX), and what earlier ones said. */
  private meta: { flag: string; chunks: Buffer[] } | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private finished = false;

  constructor(private readonly sink: TarSink) {}

  get done(): boolean {
    return this.finished;
  }

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (!this.finished) {
      if (this.left > 0) {
        if (this.pending.length === 0) return;
        const take = this.pending.subarray(0, Math.min(this.left, this.pending.length));
        this.pending = this.pending.subarray(take.length);
        this.left -= take.length;
        if (this.meta) this.meta.chunks.push(Buffer.from(take));
        else this.sink.data(take);
        if (this.left > 0) return;
      }
      if (this.pad > 0) {
        const skip = Math.min(this.pad, this.pending.length);
        this.pending = this.pending.subarray(skip);
        this.pad -= skip;
        if (this.pad > 0) return;
      }
      if (this.meta) this.endMeta();
      else if (this.inEntry) {
        this.inEntry = false;
        this.sink.end();
      }
      if (this.pending.length < BLOCK) return;
      const block = this.pending.subarray(0, BLOCK);
      this.pending = this.pending.subarray(BLOCK);
      this.header(block);
    }
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.finished = true;
      return;
    }
    const flag = String.fromCharCode(block[156] ?? 0);
    const size = number(block, 124, 12);
    this.left = size;
    this.pad = padding(size).length;
    if (flag === "L" || flag === "K" || flag === "x" || flag === "g") {
      this.meta = { flag, chunks: [] };
      return;
    }
    const prefix = text(block, 345, 155);
    const base = text(block, 0, 100);
    const name = this.longName ?? (prefix ? `${prefix}/${base}` : base);
    const type: TarType =
      flag === "0" || flag === "\0" || flag === "7"
        ? "file"
        : flag === "5"
          ? "directory"
          : flag === "2"
            ? "symlink"
            : "other";
    const e: TarEntry = {
      name: name.replace(/^\.\//, "").replace(/\/$/, ""),
      type,
      mode: number(block, 100, 8),
      size: type === "file" ? size : 0,
      mtime: number(block, 136, 12),
    };
    const link = this.longLink ?? text(block, 157, 100);
    if (link) e.linkname = link;
    this.longName = this.longLink = undefined;
    this.inEntry = true;
    this.sink.entry(e);
    if (this.left === 0 && this.pad === 0) {
      this.inEntry = false;
      this.sink.end();
    }
  }

  private endMeta(): void {
    const { flag, chunks } = this.meta!;
    this.meta = undefined;
    const data = Buffer.concat(chunks);
    if (flag === "L") this.longName = text(data, 0, data.length);
    else if (flag === "K") this.longLink = text(data, 0, data.length);
    else if (flag === "x") {
      const records = paxRecords(data);
      if (records.path) this.longName = records.path;
      if (records.linkpath) this.longLink = records.linkpath;
    }
  }
}
