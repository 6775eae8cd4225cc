// The agent's log and exec demultiplexing with the engine client's own demultiplexer
// (dockerode's modem), over framed bytes as the engine sends them; no engine needed.

import { PassThrough } from "node:stream";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { demuxInto, untilEnded } from "../../agent/runtime/docker-streams.js";

const modem = new Docker().modem;

function frame(kind: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = kind;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

async function demuxed(bytes: Buffer, chunkSize: number): Promise<string[]> {
  const out: string[] = [];
  const stream = new PassThrough();
  demuxInto(modem, stream, (b, s) => out.push(`${s}:${b.toString()}`));
  const ended = untilEnded(stream, new AbortController().signal);
  for (let i = 0; i < bytes.length; i += chunkSize) stream.write(bytes.subarray(i, i + chunkSize));
  stream.end();
  await ended;
  return out;
}

describe("demuxInto", () => {
  const stamped = "2026-12-01T12:00:00.123456789Z ";
  it.each([1, 3, 7, 9, 64, 4096])(
    "tags the same payloads, in order, for chunks of %i bytes",
    async (size) => {
      const all = Buffer.concat([
        frame(1, "hello\n"),
        frame(2, "oops\n"),
        frame(1, `${stamped}bye\n`),
        frame(2, ""),
        frame(2, `${stamped}still\n`),
      ]);
      expect(await demuxed(all, size)).toEqual([
        "stdout:hello\n",
        "stderr:oops\n",
        `stdout:${stamped}bye\n`,
        "stderr:",
        `stderr:${stamped}still\n`,
      ]);
    },
  );

  it("passes an unframed stream (a TTY container's) through as stdout", async () => {
    expect((await demuxed(Buffer.from("plain text from a tty\n"), 64)).join("")).toBe(
      "stdout:plain text from a tty\n",
    );
  });
});
