import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../shared/logger.js";
import {
  parseLabelFlags,
  parseLogFormat,
  parsePodLogFlags,
  parseServerFlag,
  parseTaintFlags,
  resolveJoinToken,
  runAgent,
} from "./main.js";

describe("agent flags", () => {
  it("parses labels k=v", () => {
    expect(parseLabelFlags(["zone=a", "tier=edge=1"])).toEqual({ zone: "a", tier: "edge=1" });
    expect(() => parseLabelFlags(["novalue"])).toThrow(/--label wants k=v/);
  });

  it.each([
    ["gpu=true:NoSchedule", { key: "gpu", value: "true", effect: "NoSchedule" }],
    ["dedicated:NoExecute", { key: "dedicated", effect: "NoExecute" }],
    ["x=:PreferNoSchedule", { key: "x", value: "", effect: "PreferNoSchedule" }],
  ])("parses the taint %s", (text, want) => {
    expect(parseTaintFlags([text])).toEqual([want]);
  });

  it("takes the log layout's directory and rotation as the kubelet's flags", () => {
    expect(parsePodLogFlags({ "pod-log-dir": "/logs" })).toEqual({
      root: "/logs",
      policy: { maxBytes: 10 * 1024 * 1024, maxFiles: 5 },
    });
    const flags = { "pod-log-dir": "/l", "container-log-max-size": "1Mi", "container-log-max-files": "2" };
    expect(parsePodLogFlags(flags)?.policy).toEqual({ maxBytes: 1024 * 1024, maxFiles: 2 });
    expect(parsePodLogFlags({ "pod-log-dir": "" })).toBeUndefined();
    expect(() => parsePodLogFlags({ "container-log-max-size": "big" })).toThrow(/--container-log-max-size/);
    expect(() => parsePodLogFlags({ "container-log-max-files": "1" })).toThrow(/at least 2/);
  });

  it("refuses a taint without a known effect", () => {
    expect(() => parseTaintFlags(["gpu=true:Sometimes"])).toThrow(/k=v:Effect/);
  });

  it.each([
    ["http://127.0.0.1:6443", /only https:\/\/ is allowed .*e\.g\. https:\/\/127\.0\.0\.1:6443$/],
    ["ws://10.0.0.1:6443", /only https:\/\/ is allowed/],
    ["127.0.0.1:6443", /--server wants https:\/\/HOST:PORT/],
    ["not a url", /--server wants https:\/\/HOST:PORT/],
  ])("refuses the server %s", (text, message) => {
    expect(() => parseServerFlag(text)).toThrow(message);
  });

  it("reads --log-format text or json, nothing else", () => {
    expect(parseLogFormat("text")).toBe("text");
    expect(parseLogFormat("json")).toBe("json");
    expect(() => parseLogFormat("xml")).toThrow(/--log-format must be text or json, not "xml"/);
  });

  it("accepts an https server", () => {
    expect(parseServerFlag("https://10.250.0.1:6443")).toBe("https://10.250.0.1:6443");
  });

  it.each([
    [["--server", "http://127.0.0.1:1", "--token", "x"], 2],
    [["--bogus"], 2],
    [["--label", "oops", "--server", "https://127.0.0.1:1"], 2],
    [["--token", "x"], 2],
    [["--server", "https://127.0.0.1:1", "--token", ""], 2],
    [["--server", "https://127.0.0.1:1", "--token", "x", "--token-file", "f"], 2],
    [["--server", "https://127.0.0.1:1", "--token", "x", "--log-format", "yaml"], 2],
  ])("runAgent %j exits with %i", async (args, code) => {
    expect(await runAgent(args)).toBe(code);
  });
});

describe("the join token of an agent that has joined already", () => {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });
  async function dataDir(joined: boolean): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "everynode-agent-main-"));
    made.push(dir);
    if (joined) await writeFile(path.join(dir, "node-credential.json"), "{}");
    return dir;
  }
  const logged = (): { lines: string[]; logger: ReturnType<typeof createLogger> } => {
    const lines: string[] = [];
    return { lines, logger: createLogger({ write: (l) => lines.push(l) }) };
  };

  it("refuses an empty --token before the first join", async () => {
    await expect(resolveJoinToken({ token: "" }, await dataDir(false), logged().logger)).rejects.toThrow(
      /--token is empty/,
    );
  });

  it("goes on without it once joined (a unit file's empty variable), and says so", async () => {
    const { lines, logger } = logged();
    expect(await resolveJoinToken({ token: "" }, await dataDir(true), logger)).toBeUndefined();
    expect(lines.join("\n")).toMatch(/WARN .*--token is empty; going on with this node's stored credential/);
  });

  it("does not wait for a --token-file that is gone once joined", async () => {
    const dir = await dataDir(true);
    const file = path.join(dir, "no-such-join-token");
    expect(await resolveJoinToken({ "token-file": file }, dir, logged().logger)).toBeUndefined();
  });
});
