// The follower against a scripted engine and a real directory: what reaches the file, how a
// restart resumes without repeating or losing lines, and rotation.

import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.js";
import { systemClock } from "../../shared/clock.js";
import type { ContainerRuntime, LogOptions, ObservedContainer } from "../runtime/container-runtime.js";
import { LogFollower } from "./log-follower.js";

const ID = "c".repeat(64);
const identity = { namespace: "ns", podName: "p", podUid: "u1", container: "app", restartCount: 0 };

/** An engine whose container has printed `frames` and has exited. */
function engine(frames: { time: string; stream: "stdout" | "stderr"; text: string }[]): ContainerRuntime {
  const state: ObservedContainer = {
    id: ID,
    name: "x",
    labels: {},
    image: "i",
    imageId: "i",
    state: "exited",
    exitCode: 0,
    createdAt: 0,
    oomKilled: false,
  };
  return {
    inspect: async () => state,
    logs: async (_id: string, opts: LogOptions, sink: (b: Buffer, s?: "stdout" | "stderr") => void) => {
      for (const f of frames) {
        if (opts.since !== undefined && Date.parse(f.time) / 1000 < opts.since) continue;
        sink(Buffer.from(`${f.time} ${f.text}`), f.stream);
      }
    },
  } as unknown as ContainerRuntime;
}

const ts = (s: number, n = 0): string =>
  `2026-12-05T12:00:${String(s).padStart(2, "0")}.${String(n).padStart(9, "0")}Z`;

describe("LogFollower", () => {
  const dirs: string[] = [];
  const root = (): string => {
    const d = mkdtempSync(path.join(os.tmpdir(), "everynode-logs-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  const follow = async (dir: string, rt: ContainerRuntime, maxBytes = 1 << 20): Promise<void> => {
    const f = new LogFollower(ID, identity, {
      runtime: rt,
      root: dir,
      policy: { maxBytes, maxFiles: 3 },
      clock: systemClock,
      logger: silentLogger,
    });
    await f.run(new AbortController().signal);
  };

  it("writes CRI records and the link, a split line as P then F, an unterminated end as F", async () => {
    const dir = root();
    await follow(
      dir,
      engine([
        { time: ts(1), stream: "stdout", text: "hello\n" },
        { time: ts(2), stream: "stderr", text: "oops\n" },
        { time: ts(3), stream: "stdout", text: "long-" },
        { time: ts(3, 1), stream: "stdout", text: "line\n" },
        { time: ts(4), stream: "stdout", text: "no newline" },
      ]),
    );
    const file = path.join(dir, "pods/ns_p_u1/app/0.log");
    expect(readFileSync(file, "utf8")).toBe(
      `${ts(1)} stdout F hello\n${ts(2)} stderr F oops\n${ts(3)} stdout P long-\n${ts(3, 1)} stdout F line\n${ts(4)} stdout F no newline\n`,
    );
    expect(readlinkSync(path.join(dir, `containers/p_ns_app-${ID}.log`))).toBe(file);
  });

  it("resumes after a restart without repeating lines that share a timestamp, and without losing any", async () => {
    const dir = root();
    const first = [
      { time: ts(5, 1), stream: "stdout" as const, text: "a\n" },
      { time: ts(5, 2), stream: "stdout" as const, text: "b\n" },
      { time: ts(5, 2), stream: "stdout" as const, text: "c\n" },
    ];
    await follow(dir, engine(first));
    const more = [
      ...first,
      { time: ts(5, 2), stream: "stdout" as const, text: "d\n" },
      { time: ts(6), stream: "stderr" as const, text: "e\n" },
    ];
    await follow(dir, engine(more));
    const lines = readFileSync(path.join(dir, "pods/ns_p_u1/app/0.log"), "utf8").trim().split("\n");
    expect(lines.map((l) => l.split(" ").pop())).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("rotates past the size, keeping at most max-files files, older ones gzipped", async () => {
    const dir = root();
    const frames = Array.from({ length: 40 }, (_, i) => ({
      time: ts(10, i),
      stream: "stdout" as const,
      text: `line ${i}\n`,
    }));
    // Each record is about 45 bytes: 200 bytes hold four.
    await follow(dir, engine(frames), 200);
    const files = readdirSync(path.join(dir, "pods/ns_p_u1/app")).sort();
    expect(files).toHaveLength(3);
    expect(files[0]).toBe("0.log");
    expect(files[1]).toMatch(/^0\.log\.\d{8}-\d{6}\.gz$/);
    expect(files[2]).toMatch(/^0\.log\.\d{8}-\d{6}$/);
    const live = readFileSync(path.join(dir, "pods/ns_p_u1/app/0.log"), "utf8");
    expect(live.length).toBeLessThanOrEqual(200);
    expect(live.trim().split("\n").pop()).toContain("line 39");
  });
});
