import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { LogChunker } from "./log-chunker.js";

function setup(chunkBytes = 10) {
  const clock = new FakeClock();
  const out: string[] = [];
  const c = new LogChunker({ clock, chunkBytes, windowMs: 100, emit: (b) => out.push(b.toString()) });
  return { clock, out, c };
}

describe("LogChunker", () => {
  it("gathers many small frames into one chunk after the window", async () => {
    const { clock, out, c } = setup(1000);
    for (let i = 0; i < 50; i++) c.push(Buffer.from(`${i}\n`));
    expect(out).toEqual([]);
    await clock.advance(100);
    expect(out).toHaveLength(1);
    expect(out[0]?.split("\n")).toHaveLength(51);
  });

  it("hands on full chunks at once and cuts big frames to the chunk size", () => {
    const { out, c } = setup(10);
    c.push(Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz"));
    expect(out).toEqual(["0123456789", "abcdefghij", "klmnopqrst"]);
    c.flush();
    expect(out[3]).toBe("uvwxyz");
  });

  it("flush sends what is held, and nothing is sent twice", async () => {
    const { clock, out, c } = setup(100);
    c.push(Buffer.from("tail"));
    c.flush();
    await clock.advance(1000);
    expect(out).toEqual(["tail"]);
  });
});
