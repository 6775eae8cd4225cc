import { describe, expect, it } from "vitest";
import { parseLabelFlags, parseServerFlag, parseTaintFlags, runAgent } from "./main.js";

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
  ])("runAgent %j exits with %i", async (args, code) => {
    expect(await runAgent(args)).toBe(code);
  });
});
