import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { evictionMessage, limitedEmptyDirs } from "./size-limits.js";

const pod: Pod = {
  metadata: { name: "p", uid: "u" },
  spec: {
    containers: [{ name: "c", image: "i" }],
    volumes: [
      { name: "scratch", emptyDir: { sizeLimit: "1Mi" } },
      { name: "free", emptyDir: {} },
      { name: "ram", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
      { name: "h", hostPath: { path: "/" } },
    ],
  },
};

describe("emptyDir sizeLimit on disk", () => {
  it("measures only disk emptyDirs with a limit", () => {
    expect(limitedEmptyDirs(pod)).toEqual([{ volume: "scratch", limit: "1Mi", limitBytes: 1024 * 1024 }]);
  });

  it.each([
    [1024 * 1024, undefined],
    [1024 * 1024 + 1, 'Usage of EmptyDir volume "scratch" exceeds the limit "1Mi".'],
  ])("at %i bytes used: %s", (used, want) => {
    expect(evictionMessage(limitedEmptyDirs(pod), new Map([["scratch", used]]))).toBe(want);
  });
});
