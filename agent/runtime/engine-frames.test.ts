import { describe, expect, it } from "vitest";
import { EngineFrames } from "./engine-frames.js";

const frame = (type: number, text: string): Buffer => {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([h, Buffer.from(text)]);
};

describe("EngineFrames", () => {
  it("splits stdout and stderr frames, however the bytes are cut", () => {
    const all = Buffer.concat([frame(1, "out"), frame(2, "err"), frame(1, "")]);
    for (let cut = 0; cut <= all.length; cut++) {
      const got: string[] = [];
      const f = new EngineFrames((ch, d) => got.push(`${ch}:${d.toString()}`));
      f.push(all.subarray(0, cut));
      f.push(all.subarray(cut));
      expect(got).toEqual(["1:out", "2:err"]);
    }
  });
});
