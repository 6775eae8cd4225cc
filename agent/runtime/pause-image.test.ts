import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultPauseImage, pauseProgram, singleFileTar } from "./pause-image.js";

describe("the pause program", () => {
  it.each([
    ["x64", 0x3e, 129],
    ["arm64", 0xb7, 148],
  ])("is a static ELF64 executable for %s", (arch, machine, size) => {
    const elf = pauseProgram(arch);
    expect(elf.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(elf.readUInt16LE(18)).toBe(machine);
    expect(elf.length).toBe(size);
    expect(elf.readBigUInt64LE(24)).toBe(0x400000n + 120n);
  });

  it("refuses an architecture it has no program for", () => {
    expect(() => pauseProgram("mips")).toThrow(/--pause-image/);
  });

  it.runIf(process.arch === "x64")("waits until a signal ends it", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-pause-"));
    try {
      const file = path.join(dir, "pause");
      await fs.writeFile(file, pauseProgram("x64"), { mode: 0o755 });
      const child = spawn(file);
      const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal })),
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(child.exitCode).toBeNull();
      child.kill("SIGTERM");
      expect(await ended).toEqual({ code: null, signal: "SIGTERM" });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe("singleFileTar", () => {
  it("is a ustar archive with a correct checksum, padded to blocks", () => {
    const tar = singleFileTar("pause", Buffer.from("abc"));
    expect(tar.length).toBe(512 + 512 + 1024);
    expect(tar.subarray(0, 5).toString()).toBe("pause");
    expect(tar.subarray(257, 262).toString()).toBe("ustar");
    const header = Buffer.from(tar.subarray(0, 512));
    const stored = Number.parseInt(header.subarray(148, 154).toString(), 8);
    header.fill(0x20, 148, 156);
    expect(header.reduce((a, b) => a + b, 0)).toBe(stored);
    expect(tar.subarray(512, 515).toString()).toBe("abc");
  });

  it("names the image after the program's content", () => {
    expect(defaultPauseImage("x64").ref).toMatch(/^everynode\/pause:[0-9a-f]{12}$/);
    expect(defaultPauseImage("x64").ref).not.toBe(defaultPauseImage("arm64").ref);
  });
});
