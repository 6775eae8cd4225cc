import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareHostPath } from "./host-paths.js";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-hostpath-"));
  await fs.mkdir(path.join(dir, "existing-dir"));
  await fs.writeFile(path.join(dir, "existing-file"), "x");
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("prepareHostPath", () => {
  it("DirectoryOrCreate creates a missing directory with mode 0755", async () => {
    const p = path.join(dir, "made/deep");
    await expect(prepareHostPath(p, "DirectoryOrCreate")).resolves.toBe(true);
    await expect(prepareHostPath(p, "DirectoryOrCreate")).resolves.toBe(false);
    const s = await fs.stat(p);
    expect(s.isDirectory()).toBe(true);
    expect(s.mode & 0o777).toBe(0o755);
  });

  it("FileOrCreate creates a missing file with mode 0644", async () => {
    const p = path.join(dir, "sub/file.log");
    await prepareHostPath(p, "FileOrCreate");
    const s = await fs.stat(p);
    expect(s.isFile()).toBe(true);
    expect(s.mode & 0o777).toBe(0o644);
  });

  it.each([
    ["existing-dir", "Directory"],
    ["existing-file", "File"],
    ["missing-anything", ""],
  ])("%s passes the %s check", async (name, type) => {
    await expect(prepareHostPath(path.join(dir, name), type)).resolves.toBe(false);
  });

  it.each([
    ["missing", "Directory", /does not exist \(type Directory\)/],
    ["existing-file", "Directory", /is not a Directory/],
    ["existing-dir", "File", /is not a File/],
    ["existing-dir", "Socket", /is not a Socket/],
    ["existing-file", "DirectoryOrCreate", /exists and is not a directory/],
  ])("%s fails the %s check", async (name, type, message) => {
    await expect(prepareHostPath(path.join(dir, name), type)).rejects.toMatchObject({
      code: "RuntimeError",
      temporary: false,
      message: expect.stringMatching(message),
    });
  });
});
