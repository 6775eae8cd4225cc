import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { END_OF_ARCHIVE, entryHeader, padding, TarReader, type TarEntry } from "./tar.js";

function archive(entries: [TarEntry, string?][]): Buffer {
  const parts: Buffer[] = [];
  for (const [e, data = ""] of entries) {
    parts.push(entryHeader(e));
    if (e.type === "file") parts.push(Buffer.from(data), padding(Buffer.byteLength(data)));
  }
  return Buffer.concat([...parts, END_OF_ARCHIVE]);
}

function read(bytes: Buffer, chunk: number): { entries: TarEntry[]; data: Record<string, string> } {
  const entries: TarEntry[] = [];
  const data: Record<string, string> = {};
  let current = "";
  const reader = new TarReader({
    entry: (e) => {
      entries.push(e);
      current = e.name;
      data[current] = "";
    },
    data: (c) => (data[current] += c.toString()),
    end: () => {},
  });
  for (let at = 0; at < bytes.length; at += chunk) reader.push(bytes.subarray(at, at + chunk));
  expect(reader.done).toBe(true);
  return { entries, data };
}

const long = `deep/${"d".repeat(120)}/file.txt`;
const ENTRIES: [TarEntry, string?][] = [
  [{ name: "top", type: "directory", mode: 0o755, size: 0, mtime: 1_700_000_000 }],
  [{ name: "top/a.txt", type: "file", mode: 0o644, size: 6, mtime: 1_700_000_000 }, "alpha\n"],
  [{ name: `top/${long}`, type: "file", mode: 0o600, size: 1024, mtime: 1 }, "x".repeat(1024)],
  [{ name: "top/link", type: "symlink", mode: 0o777, size: 0, mtime: 1, linkname: "a.txt" }],
];

describe("tar", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-tar-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([1, 7, 512, 100_000])("reads back what it wrote, pushed %i bytes at a time", (chunk) => {
    const { entries, data } = read(archive(ENTRIES), chunk);
    expect(entries.map((e) => [e.name, e.type, e.mode, e.size])).toEqual(
      ENTRIES.map(([e]) => [e.name, e.type, e.mode, e.size]),
    );
    expect(entries[3]?.linkname).toBe("a.txt");
    expect(data["top/a.txt"]).toBe("alpha\n");
    expect(data[`top/${long}`]).toBe("x".repeat(1024));
  });

  it("writes what the system's tar extracts, long names and links included", () => {
    writeFileSync(path.join(dir, "out.tar"), archive(ENTRIES));
    mkdirSync(path.join(dir, "x"));
    execFileSync("tar", ["-xf", path.join(dir, "out.tar"), "-C", path.join(dir, "x")]);
    expect(readFileSync(path.join(dir, "x", "top", "a.txt"), "utf8")).toBe("alpha\n");
    expect(readFileSync(path.join(dir, "x", "top", long), "utf8")).toBe("x".repeat(1024));
    expect(readlinkSync(path.join(dir, "x", "top", "link"))).toBe("a.txt");
  });

  it.each([["gnu"], ["posix"]])("reads what the system's tar writes (--format=%s)", (format) => {
    const src = path.join(dir, `src-${format}`);
    mkdirSync(path.join(src, "sub", "e".repeat(150)), { recursive: true });
    writeFileSync(path.join(src, "sub", "e".repeat(150), "b.txt"), "beta\n".repeat(1000));
    const bytes = execFileSync("tar", [`--format=${format}`, "-cf", "-", "-C", dir, `src-${format}`]);
    const { entries, data } = read(bytes, 4096);
    expect(entries.find((e) => e.type === "file")?.name).toBe(`src-${format}/sub/${"e".repeat(150)}/b.txt`);
    expect(data[`src-${format}/sub/${"e".repeat(150)}/b.txt`]).toBe("beta\n".repeat(1000));
  });
});
