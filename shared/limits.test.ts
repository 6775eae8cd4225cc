import { describe, expect, it } from "vitest";
import { truncateUtf8 } from "./limits.js";

describe("truncateUtf8", () => {
  it.each([
    ["short", 10, "short"],
    ["exactly10!", 10, "exactly10!"],
    ["0123456789x", 10, "0123456..."],
    ["ééééé", 8, "éé..."],
    ["€€€€", 8, "€..."],
  ])("%j in %i bytes", (text, max, expected) => {
    expect(truncateUtf8(text, max)).toBe(expected);
    expect(Buffer.byteLength(truncateUtf8(text, max))).toBeLessThanOrEqual(max);
  });
});
