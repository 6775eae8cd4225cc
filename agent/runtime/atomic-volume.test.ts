import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeAtomically } from "./atomic-volume.js";

describe("writeAtomically", () => {
  let dir: string;
  beforeEach(async () => {
    dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "everynode-atomic-")), "vol");
  });
  afterEach(async () => {
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  });
  const file = (p: string, text: string, mode = 0o644) => ({ path: p, data: Buffer.from(text), mode });

  it("lays out a version dir, a ..data link and a link per top-level entry, relative", async () => {
    await writeAtomically(
      dir,
      [file("app.conf", "x=1", 0o600), file("conf/inner", "i")],
      new Date(Date.UTC(2026, 11, 5, 13, 0, 0)),
    );
    const entries = (await fs.readdir(dir)).sort();
    expect(entries).toEqual(["..2026_12_05_13_00_00." + entries[0]!.slice(22), "..data", "app.conf", "conf"]);
    expect(await fs.readlink(path.join(dir, "..data"))).toBe(entries[0]);
    expect(await fs.readlink(path.join(dir, "app.conf"))).toBe("..data/app.conf");
    expect(await fs.readFile(path.join(dir, "app.conf"), "utf8")).toBe("x=1");
    expect(await fs.readFile(path.join(dir, "conf", "inner"), "utf8")).toBe("i");
    expect((await fs.stat(path.join(dir, "app.conf"))).mode & 0o777).toBe(0o600);
  });

  it("swaps to the new version, drops the old one and the links of keys gone", async () => {
    await writeAtomically(dir, [file("a", "1"), file("b", "2")], new Date());
    const first = await fs.readlink(path.join(dir, "..data"));
    await writeAtomically(dir, [file("a", "changed"), file("c", "3")], new Date());
    const second = await fs.readlink(path.join(dir, "..data"));
    expect(second).not.toBe(first);
    expect((await fs.readdir(dir)).sort()).toEqual([second, "..data", "a", "c"].sort());
    expect(await fs.readFile(path.join(dir, "a"), "utf8")).toBe("changed");
  });

  // chown to another group needs root (the agent runs as root on its nodes).
  it.skipIf(process.getuid?.() !== 0)(
    "with an owner, every file, folder and link is the group's and widened, the new version before the swap",
    async () => {
      const owner = { gid: 2000, modeOf: (m: number, d: boolean) => (m & 0o7777) | 0o440 | (d ? 0o2110 : 0) };
      await writeAtomically(dir, [file("key", "k", 0o400), file("conf/inner", "i")], new Date(), owner);
      await writeAtomically(dir, [file("key", "k2", 0o400), file("conf/inner", "i")], new Date(), owner);
      const version = await fs.readlink(path.join(dir, "..data"));
      const seen: [string, number, string][] = [];
      for (const p of [
        "",
        "..data",
        "key",
        "conf",
        version,
        `${version}/key`,
        `${version}/conf`,
        `${version}/conf/inner`,
      ]) {
        const st = await fs.lstat(path.join(dir, p));
        seen.push([p, st.gid, st.isSymbolicLink() ? "link" : (st.mode & 0o7777).toString(8)]);
      }
      expect(seen).toEqual([
        ["", 2000, "2755"],
        ["..data", 2000, "link"],
        ["key", 2000, "link"],
        ["conf", 2000, "link"],
        [version, 2000, "2755"],
        [`${version}/key`, 2000, "440"],
        [`${version}/conf`, 2000, "2755"],
        [`${version}/conf/inner`, 2000, "644"],
      ]);
    },
  );

  it("replaces a directory made at a key's name before the key existed", async () => {
    await fs.mkdir(path.join(dir, "late"), { recursive: true });
    await writeAtomically(dir, [file("late", "now")], new Date());
    expect(await fs.readFile(path.join(dir, "late"), "utf8")).toBe("now");
  });
});
