import { describe, expect, it } from "vitest";
import { parseLabelFlags, parseTaintFlags, runAgent } from "./main.js";

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
    [["--bogus"], 2],
    [["--label", "oops", "--server", "https://127.0.0.1:1"], 2],
    [["--token", "x"], 2],
  ])("runAgent %j exits with %i", async (args, code) => {
    expect(await runAgent(args)).toBe(code);
  });
});
