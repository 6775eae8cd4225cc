import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../shared/api-types.js";
import type { ChangeEvent } from "../store/store.js";
import { filteredEventType, watchStartRevision } from "./watch-filter.js";

const pod = (app: string): KubeObject => ({ metadata: { name: "p", labels: { app } } });
const isWeb = (o: KubeObject): boolean => o.metadata.labels?.app === "web";

describe("filteredEventType", () => {
  it.each<[string, ChangeEvent, string | undefined]>([
    ["added, matching", { type: "ADDED", resource: "pods", object: pod("web"), revision: 2 }, "ADDED"],
    ["added, not matching", { type: "ADDED", resource: "pods", object: pod("db"), revision: 2 }, undefined],
    [
      "modified, still matching",
      { type: "MODIFIED", resource: "pods", object: pod("web"), previous: pod("web"), revision: 3 },
      "MODIFIED",
    ],
    [
      "modified, starts matching",
      { type: "MODIFIED", resource: "pods", object: pod("web"), previous: pod("db"), revision: 3 },
      "ADDED",
    ],
    [
      "modified, stops matching",
      { type: "MODIFIED", resource: "pods", object: pod("db"), previous: pod("web"), revision: 3 },
      "DELETED",
    ],
    [
      "modified, never matching",
      { type: "MODIFIED", resource: "pods", object: pod("db"), previous: pod("db"), revision: 3 },
      undefined,
    ],
    [
      "deleted, matching",
      { type: "DELETED", resource: "pods", object: pod("web"), previous: pod("web"), revision: 4 },
      "DELETED",
    ],
    [
      "deleted, not matching",
      { type: "DELETED", resource: "pods", object: pod("db"), revision: 4 },
      undefined,
    ],
  ])("%s", (_name, change, expected) => {
    expect(filteredEventType(change, isWeb)).toBe(expected);
  });
});

describe("watchStartRevision", () => {
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ["", undefined],
    ["0", undefined],
    ["17", 17],
    ["abc", Number.NaN],
    ["-3", Number.NaN],
  ])("%s", (raw, expected) => {
    expect(watchStartRevision(raw)).toBe(expected);
  });
});
