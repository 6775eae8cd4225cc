import { describe, expect, it } from "vitest";
import { JsonLines } from "./docker-streams.js";

describe("JsonLines", () => {
  it("parses objects across chunks and skips odd lines", () => {
    const got: unknown[] = [];
    const j = new JsonLines((o) => got.push(o));
    j.push(Buffer.from('{"Action":"start","id":"a"}\n{"Act'));
    j.push(Buffer.from('ion":"die","id":"a"}\nnot json\n\n'));
    expect(got).toEqual([
      { Action: "start", id: "a" },
      { Action: "die", id: "a" },
    ]);
  });
});
