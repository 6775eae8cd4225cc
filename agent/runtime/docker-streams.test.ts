import { describe, expect, it } from "vitest";
import { Demuxer, JsonLines } from "./docker-streams.js";

function frame(kind: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = kind;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe("Demuxer", () => {
  it.each([1, 3, 7, 9, 64])("gives the same frames for chunks of %i bytes", (size) => {
    const out: string[] = [];
    const d = new Demuxer((b, s) => out.push(`${s}:${b.toString()}`));
    const all = Buffer.concat([frame(1, "hello\n"), frame(2, "oops\n"), frame(1, "bye\n")]);
    for (let i = 0; i < all.length; i += size) d.push(all.subarray(i, i + size));
    expect(out).toEqual(["stdout:hello\n", "stderr:oops\n", "stdout:bye\n"]);
  });
});

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
