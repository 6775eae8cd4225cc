import { constants, deflateSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  controlFrame,
  dataFrame,
  HeaderDeflater,
  HeaderInflater,
  SPDY_DICTIONARY,
  SpdyReader,
} from "./spdy-frames.js";

const block = (pairs: [string, string][]): Buffer => {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  parts.push(u32(pairs.length));
  for (const [k, v] of pairs) parts.push(u32(k.length), Buffer.from(k), u32(v.length), Buffer.from(v));
  return Buffer.concat(parts);
};

describe("SPDY framing", () => {
  it("has the protocol's 1423-byte header dictionary", () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(SPDY_DICTIONARY.subarray(-6).toString()).toBe("enq=0.");
  });

  it("splits frames however the bytes arrive", () => {
    const bytes = Buffer.concat([
      controlFrame(6, 0, Buffer.from([0, 0, 0, 1])),
      dataFrame(3, 1, Buffer.from("hi")),
    ]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = new SpdyReader();
      const frames = [...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))];
      expect(frames).toEqual([
        { control: true, type: 6, flags: 0, data: Buffer.from([0, 0, 0, 1]) },
        { control: false, streamId: 3, flags: 1, data: Buffer.from("hi") },
      ]);
    }
  });

  it("reads header blocks of one compressed stream", () => {
    const whole = deflateSync(
      block([
        ["streamtype", "data"],
        ["port", "80"],
      ]),
      { dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH },
    );
    const h = new HeaderInflater().inflate(whole);
    expect(Object.fromEntries(h)).toEqual({ streamtype: "data", port: "80" });
  });

  it("writes header blocks any zlib reader with the dictionary reads, block after block", () => {
    const d = new HeaderDeflater();
    const stream = Buffer.concat([d.deflate([]), d.deflate([["a", "b"]])]);
    const out = inflateSync(stream, { dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    expect(out).toEqual(Buffer.concat([block([]), block([["a", "b"]])]));
  });
});
