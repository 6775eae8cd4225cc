import { describe, expect, it } from "vitest";
import { generateName, NAME_SUFFIX_ALPHABET } from "./generate-name.js";

describe("generateName", () => {
  it.each([
    [0, "web-bbbbb"],
    [0.999999, "web-99999"],
    [1, "web-99999"],
  ])("with random() = %f is %s", (r, name) => {
    expect(generateName("web-", () => r)).toBe(name);
  });

  it("draws the suffix from the alphabet only", () => {
    for (let i = 0; i < 50; i++) {
      const name = generateName("", Math.random);
      expect(name).toHaveLength(5);
      for (const ch of name) expect(NAME_SUFFIX_ALPHABET).toContain(ch);
    }
  });

  it("cuts a long prefix so that the name fits 63 characters, as Kubernetes does", () => {
    const name = generateName(`${"a".repeat(70)}-`, () => 0);
    expect(name).toBe(`${"a".repeat(58)}bbbbb`);
    expect(generateName("a".repeat(58), () => 0)).toHaveLength(63);
  });
});
