// The local side of `cp`: a file or directory tree made into a tar stream (files read as
// they are sent, never held whole), and a tar stream written out under a destination, with
// links and entries that would leave it skipped (and said so).

import { closeSync, createReadStream, mkdirSync, openSync, writeSync, chmodSync, utimesSync } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import path from "node:path";
import { localPathOf } from "./cp-paths.js";
import { END_OF_ARCHIVE, entryHeader, padding, type TarEntry, type TarSink } from "./tar.js";

/** The archive of `source` with its top named `name`, chunk by chunk. */
export async function* tarOf(
  source: string,
  name: string,
  warn: (text: string) => void,
): AsyncGenerator<Buffer> {
  const stats = await lstat(source);
  const mtime = Math.floor(stats.mtimeMs / 1000);
  const mode = stats.mode & 0o7777;
  if (stats.isDirectory()) {
    yield entryHeader({ name, type: "directory", mode, size: 0, mtime });
    for (const child of (await readdir(source)).sort())
      yield* tarOf(path.join(source, child), `${name}/${child}`, warn);
  } else if (stats.isSymbolicLink()) {
    yield entryHeader({ name, type: "symlink", mode, size: 0, mtime, linkname: await readlink(source) });
  } else if (stats.isFile()) {
    yield entryHeader({ name, type: "file", mode, size: stats.size, mtime });
    let sent = 0;
    if (stats.size > 0)
      for await (const chunk of createReadStream(source, { start: 0, end: stats.size - 1 })) {
        sent += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    // A file that shrank while read is filled up to the size its header gave.
    if (sent < stats.size) yield Buffer.alloc(stats.size - sent);
    yield padding(stats.size);
  } else warn(`skipping ${source}: not a file, directory or link`);
}

/** The archive's end (after tarOf's entries). */
export async function* endOfArchive(): AsyncGenerator<Buffer> {
  yield END_OF_ARCHIVE;
}

/** A sink writing a pod's archive of `sourceBase` out as `dest`. */
export function extractTo(
  dest: string,
  sourceBase: string,
  warn: (text: string) => void,
): TarSink & { files: number } {
  let fd: number | undefined;
  let current: { entry: TarEntry; target: string } | undefined;
  const sink = {
    files: 0,
    entry(e: TarEntry): void {
      const target = localPathOf(e.name, sourceBase, dest);
      current = undefined;
      if (!target) return warn(`warning: skipping "${e.name}": it would land outside ${dest}\n`);
      if (e.type === "symlink" || e.type === "other")
        return warn(`warning: skipping ${e.type === "symlink" ? "symlink" : "special file"}: "${target}"\n`);
      if (e.type === "directory") {
        mkdirSync(target, { recursive: true });
        return;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      fd = openSync(target, "w", e.mode & 0o777 || 0o644);
      current = { entry: e, target };
      sink.files++;
    },
    data(chunk: Buffer): void {
      if (fd !== undefined) writeSync(fd, chunk);
    },
    end(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      if (current) {
        chmodSync(current.target, current.entry.mode & 0o777 || 0o644);
        utimesSync(current.target, current.entry.mtime, current.entry.mtime);
      }
      current = undefined;
    },
  };
  return sink;
}
