import { describe, expect, it } from "vitest";
import type { Clock } from "../shared/clock.js";
import { createLogger } from "../shared/logger.js";
import { emptyTokenError, joinTokenSource, waitForTokenFile } from "./token-file.js";

const TOKEN = `EN1.${"a".repeat(64)}.abcdef.0123456789abcdef`;

/** A clock whose sleeps return at once and move time on; it records every delay. */
function steppingClock(): Clock & { delays: number[] } {
  let now = 0;
  const delays: number[] = [];
  return {
    delays,
    now: () => now,
    sleep: async (ms) => {
      delays.push(ms);
      now += ms;
    },
    every: () => () => {},
  };
}

/** A file that appears (with `contents[i]` at the i-th look; undefined: missing). */
function fileSeen(contents: (string | undefined)[]): (file: string) => Promise<string | undefined> {
  let i = 0;
  return async () => contents[Math.min(i++, contents.length - 1)];
}

function logLines(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "debug", write: (l) => lines.push(l) }) };
}

describe("joinTokenSource", () => {
  it.each([
    [undefined, undefined, undefined],
    [TOKEN, undefined, { token: TOKEN }],
    [` ${TOKEN}\n`, undefined, { token: TOKEN }],
    [undefined, "tutorial/master/join-token", { tokenFile: "tutorial/master/join-token" }],
  ])("--token %j --token-file %j gives %j", (token, file, want) => {
    expect(joinTokenSource(token, file)).toEqual(want);
  });

  it.each(["", " ", "\n"])("hands back an empty --token (%j) as empty, for the caller to refuse", (token) => {
    expect(joinTokenSource(token, undefined)).toEqual({ token: "" });
    expect(emptyTokenError().message).toMatch(
      /^the join token given with --token is empty .*--token-file FILE waits for the file$/,
    );
  });

  it("refuses both flags, and an empty --token-file", () => {
    expect(() => joinTokenSource(TOKEN, "f")).toThrow(/--token or --token-file, not both/);
    expect(() => joinTokenSource(undefined, "")).toThrow(/--token-file is empty/);
  });
});

describe("waitForTokenFile", () => {
  it("returns a token that is there at once, without waiting or logging", async () => {
    const clock = steppingClock();
    const { lines, logger } = logLines();
    expect(await waitForTokenFile("jt", { read: fileSeen([TOKEN + "\n"]), clock, logger })).toBe(TOKEN);
    expect(clock.delays).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("waits for a missing, then empty file with back-off, saying what it waits for", async () => {
    const clock = steppingClock();
    const { lines, logger } = logLines();
    const seen = [...Array<undefined>(12).fill(undefined), "", "", TOKEN];
    expect(
      await waitForTokenFile("tutorial/master/join-token", { read: fileSeen(seen), clock, logger }),
    ).toBe(TOKEN);
    // 250 ms doubling to 5 s: no hot loop, and never slower than every 5 s.
    expect(clock.delays).toEqual([250, 500, 1000, 2000, 4000, ...Array<number>(9).fill(5000)]);
    const waiting = lines.filter((l) => l.includes("waiting for tutorial/master/join-token"));
    // At once, then after 30 s more of waiting.
    expect(waiting).toHaveLength(2);
    expect(waiting[0]).toMatch(/INFO +waiting for tutorial\/master\/join-token reason="missing or empty/);
    expect(lines.at(-1)).toMatch(/read the join token file file=tutorial\/master\/join-token$/);
  });

  it("reads again a file caught half-written", async () => {
    const clock = steppingClock();
    const half = TOKEN.slice(0, 20);
    const { logger } = logLines();
    expect(await waitForTokenFile("jt", { read: fileSeen([half, TOKEN]), clock, logger })).toBe(TOKEN);
    expect(clock.delays).toEqual([250]);
  });

  it("refuses a file that keeps holding something that is not a join token", async () => {
    const { logger } = logLines();
    await expect(
      waitForTokenFile("jt", { read: fileSeen(["hello"]), clock: steppingClock(), logger }),
    ).rejects.toMatchObject({
      code: "BadToken",
      message: expect.stringMatching(/^--token-file jt: the join token is not of the form/),
    });
  });

  it("stops waiting when its signal fires", async () => {
    const abort = new AbortController();
    const clock: Clock = {
      now: () => 0,
      sleep: async () => {
        abort.abort(new Error("stopping"));
        throw new Error("stopping");
      },
      every: () => () => {},
    };
    const { logger } = logLines();
    await expect(
      waitForTokenFile("jt", { read: fileSeen([undefined]), clock, logger, signal: abort.signal }),
    ).rejects.toThrow("stopping");
  });
});
