// One container attempt's CRI log file on disk: appends records in order (batched, one write
// at a time), rotates by the policy (rotation.ts), and says where a restarted agent resumes
// from what the files already hold. The file is the only record of progress: after a failed
// write the follower opens it afresh and resumes from what actually reached the disk.

import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, truncate, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Clock } from "../../shared/clock.js";
import { formatRecord, resumePointOf, type CriRecord, type ResumePoint } from "./cri-format.js";
import { nextRotatedName, rotatedFiles, tidyPlan, type RotationPolicy } from "./rotation.js";

/** Enough of a file's end to hold its last records (each at most 16 KiB plus its header). */
const TAIL_BYTES = 256 * 1024;

async function readTail(file: string): Promise<Buffer | undefined> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(file, "r");
    const { size } = await fh.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    return buf;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  } finally {
    await fh?.close();
  }
}

async function gzipFile(file: string): Promise<void> {
  const tmp = `${file}.gz.tmp`;
  await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp));
  await rename(tmp, `${file}.gz`);
  await rm(file, { force: true });
}

export class LogFile {
  private handle: FileHandle | undefined;
  private size = 0;
  private queue: CriRecord[] = [];
  private draining: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    readonly file: string,
    private readonly o: { policy: RotationPolicy; clock: Pick<Clock, "now"> },
  ) {}

  /** Makes the directory, opens the live file for appending; returns where its records end. */
  async open(): Promise<ResumePoint | undefined> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tail = (await readTail(this.file)) ?? Buffer.alloc(0);
    if (tail.length > 0 && tail[tail.length - 1] !== 0x0a) await this.cutTornLine(tail);
    let point = resumePointOf(tail);
    if (!point) {
      // Just rotated, nothing written since: the newest plain rotated file has the end.
      const rotated = rotatedFiles(path.basename(this.file), await readdir(path.dirname(this.file)));
      const newest = rotated.filter((f) => !f.gzipped).pop();
      if (newest)
        point = resumePointOf(
          (await readTail(path.join(path.dirname(this.file), newest.name))) ?? Buffer.alloc(0),
        );
    }
    this.handle = await open(this.file, "a");
    this.size = (await this.handle.stat()).size;
    return point;
  }

  /** A crash mid-write left a line without its end: cut it (it is read again from the engine). */
  private async cutTornLine(tail: Buffer): Promise<void> {
    const { size } = await stat(this.file);
    const keep = size - (tail.length - (tail.lastIndexOf(0x0a) + 1));
    await truncate(this.file, keep);
  }

  /** Queues records; they reach the file in order. A failure shows in `flushed()`. */
  push(records: CriRecord[]): void {
    if (this.failure || records.length === 0) return;
    this.queue.push(...records);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves once everything queued is written; rejects when a write failed. */
  async flushed(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.flushed().catch(() => undefined);
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const batch = this.queue;
        this.queue = [];
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        for (const r of batch) {
          const line = formatRecord(r);
          if (
            this.size + pendingBytes + line.length > this.o.policy.maxBytes &&
            this.size + pendingBytes > 0
          ) {
            await this.append(pending);
            pending = [];
            pendingBytes = 0;
            await this.rotate();
          }
          pending.push(line);
          pendingBytes += line.length;
        }
        await this.append(pending);
      }
    } catch (e) {
      this.failure = e as Error;
      this.queue = [];
    }
  }

  private async append(lines: Buffer[]): Promise<void> {
    if (lines.length === 0 || !this.handle) return;
    const buf = Buffer.concat(lines);
    await this.handle.write(buf);
    this.size += buf.length;
  }

  private async rotate(): Promise<void> {
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    await this.handle?.close();
    this.handle = undefined;
    const before = rotatedFiles(base, await readdir(dir));
    await rename(this.file, path.join(dir, nextRotatedName(base, before, this.o.clock.now())));
    this.handle = await open(this.file, "a");
    this.size = (await stat(this.file)).size;
    const plan = tidyPlan(rotatedFiles(base, await readdir(dir)), this.o.policy);
    for (const name of plan.remove) await rm(path.join(dir, name), { force: true });
    for (const name of plan.compress) await gzipFile(path.join(dir, name));
  }
}
