import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { giveToGroup } from "./volume-ownership.js";

describe("giveToGroup", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-owner-"));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  // chown to another group needs root (the agent runs as root on its nodes).
  it.skipIf(process.getuid?.() !== 0)(
    "gives the tree to the group; a symlink is chowned itself and its target's mode is left alone",
    async () => {
      const root = path.join(dir, "vol");
      await fs.mkdir(root, { mode: 0o755 });
      await fs.chmod(root, 0o755);
      const outside = path.join(dir, "outside");
      await fs.writeFile(outside, "x", { mode: 0o600 });
      await fs.chmod(outside, 0o600);
      await fs.writeFile(path.join(root, "f"), "y");
      await fs.chmod(path.join(root, "f"), 0o600);
      await fs.symlink(outside, path.join(root, "link"));
      await giveToGroup(root, 2000, (m, d) => (m & 0o7777) | 0o660 | (d ? 0o2110 : 0));
      const st = async (p: string) => {
        const s = await fs.lstat(p);
        return [s.gid, (s.mode & 0o7777).toString(8)];
      };
      expect(await st(root)).toEqual([2000, "2775"]);
      expect(await st(path.join(root, "f"))).toEqual([2000, "660"]);
      expect((await fs.lstat(path.join(root, "link"))).gid).toBe(2000);
      expect(await st(outside)).toEqual([0, "600"]);
    },
  );
});
