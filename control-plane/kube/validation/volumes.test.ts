import { describe, expect, it } from "vitest";
import { validateVolumes } from "./volumes.js";

const token = (t: Record<string, unknown>) => [
  { name: "v", projected: { sources: [{ serviceAccountToken: t }] } },
];

describe("projected serviceAccountToken sources", () => {
  it.each([
    ["a path and the defaults", { path: "token" }, []],
    ["an audience and ten minutes", { path: "t", audience: "vault", expirationSeconds: 600 }, []],
    ["no path", { audience: "a" }, ["v[0].projected.sources[0].serviceAccountToken.path"]],
    ["a path out of the volume", { path: "../t" }, ["v[0].projected.sources[0].serviceAccountToken.path"]],
    [
      "less than ten minutes",
      { path: "t", expirationSeconds: 599 },
      ["v[0].projected.sources[0].serviceAccountToken.expirationSeconds"],
    ],
    [
      "more than 2^32 seconds",
      { path: "t", expirationSeconds: 2 ** 32 + 1 },
      ["v[0].projected.sources[0].serviceAccountToken.expirationSeconds"],
    ],
  ])("%s", (_name, source, fields) => {
    expect(validateVolumes(token(source), "v").errors.map((e) => e.field)).toEqual(fields);
  });
});
