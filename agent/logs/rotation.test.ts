import { describe, expect, it } from "vitest";
import { nextRotatedName, parseSize, rotatedFiles, rotationStamp, tidyPlan } from "./rotation.js";

describe("rotation", () => {
  it.each([
    ["10Mi", 10 * 1024 * 1024],
    ["512Ki", 512 * 1024],
    ["1M", 1_000_000],
    ["2048", 2048],
    ["0", undefined],
    ["ten", undefined],
  ])("parses the size %s", (text, want) => expect(parseSize(text)).toBe(want));

  const at = Date.UTC(2026, 11, 5, 12, 30, 45);
  it("names rotations by time, never twice the same", () => {
    expect(rotationStamp(at)).toBe("20261205-123045");
    expect(nextRotatedName("0.log", [], at)).toBe("0.log.20261205-123045");
    const existing = rotatedFiles("0.log", ["0.log.20261205-123045"]);
    expect(nextRotatedName("0.log", existing, at + 200)).toBe("0.log.20261205-123046");
  });

  it("lists a file's rotations oldest first, gzipped or not, and nothing else", () => {
    const names = [
      "0.log",
      "0.log.20261205-120002",
      "0.log.20261205-120001.gz",
      "1.log.20261205-120000",
      "0.log.tmp",
    ];
    expect(rotatedFiles("0.log", names).map((f) => [f.name, f.gzipped])).toEqual([
      ["0.log.20261205-120001.gz", true],
      ["0.log.20261205-120002", false],
    ]);
  });

  it.each([
    [5, ["a.gz", "b", "c"], { remove: [], compress: ["b"] }],
    [3, ["a.gz", "b", "c"], { remove: ["a.gz"], compress: ["b"] }],
    [2, ["a.gz", "b.gz", "c"], { remove: ["a.gz", "b.gz"], compress: [] }],
    [5, ["c"], { remove: [], compress: [] }],
  ])(
    "with max %i files keeps the live one and max-1 rotations, all but the newest gzipped",
    (maxFiles, list, want) => {
      const rotated = list.map((name, i) => ({ name, time: i, gzipped: name.endsWith(".gz") }));
      expect(tidyPlan(rotated, { maxBytes: 1, maxFiles })).toEqual(want);
    },
  );
});
