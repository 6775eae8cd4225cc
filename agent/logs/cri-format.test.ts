import { describe, expect, it } from "vitest";
import {
  containerLinkPath,
  containerLogPath,
  formatRecord,
  MAX_RECORD_BYTES,
  parseLinkName,
  parseRecord,
  recordsOfFrame,
  ResumeFilter,
  resumePointOf,
  timeKey,
  type CriRecord,
} from "./cri-format.js";

const T = "2026-12-05T12:00:00.123456789Z";
const id = { namespace: "logs", podName: "chatty-x7k2p", podUid: "uid-1", container: "app", restartCount: 2 };
const cid = "a".repeat(64);

describe("the layout's names", () => {
  it("places files and links as the kubelet does, and a shipper reads the link name back", () => {
    expect(containerLogPath("/var/log", id)).toBe("/var/log/pods/logs_chatty-x7k2p_uid-1/app/2.log");
    const link = containerLinkPath("/var/log", id, cid);
    expect(link).toBe(`/var/log/containers/chatty-x7k2p_logs_app-${cid}.log`);
    expect(parseLinkName(link.split("/").pop()!)).toEqual({
      podName: "chatty-x7k2p",
      namespace: "logs",
      container: "app",
      containerId: cid,
    });
    expect(parseLinkName("something-else.log")).toBeUndefined();
  });
});

describe("records", () => {
  it.each([
    ["a complete line", `${T} hello\n`, [["F", "hello"]]],
    ["an empty line", `${T} \n`, [["F", ""]]],
    ["a piece the engine split", `${T} abc`, [["P", "abc"]]],
    ["no timestamp", "hello\n", undefined],
  ])("%s", (_what, frame, want) => {
    const got = recordsOfFrame(Buffer.from(frame), "stderr");
    expect(got?.map((r) => [r.partial ? "P" : "F", r.text.toString()])).toEqual(want);
    if (got) expect(got.every((r) => r.stream === "stderr" && r.time === T)).toBe(true);
  });

  it("splits a long line at 16 KiB, all pieces but the last partial", () => {
    const text = "x".repeat(MAX_RECORD_BYTES * 2 + 10);
    const got = recordsOfFrame(Buffer.from(`${T} ${text}\n`), "stdout")!;
    expect(got.map((r) => [r.partial, r.text.length])).toEqual([
      [true, MAX_RECORD_BYTES],
      [true, MAX_RECORD_BYTES],
      [false, 10],
    ]);
  });

  it("writes and reads the CRI line format", () => {
    const r: CriRecord = { time: T, stream: "stdout", partial: true, text: Buffer.from("a b c") };
    const line = formatRecord(r);
    expect(line.toString()).toBe(`${T} stdout P a b c\n`);
    expect(parseRecord(line.subarray(0, -1))).toEqual(r);
    expect(parseRecord("garbage")).toBeUndefined();
    expect(parseRecord(`${T} stdin F x`)).toBeUndefined();
  });

  it("orders timestamps by their instant, whatever the fraction's width", () => {
    expect(timeKey("2026-12-05T12:00:00.5Z")).toBe(timeKey("2026-12-05T12:00:00.500000000Z"));
    expect(timeKey("2026-12-05T12:00:01Z")! > timeKey("2026-12-05T12:00:00.999999999Z")!).toBe(true);
    expect(timeKey("yesterday")).toBeUndefined();
  });
});

describe("resuming", () => {
  const rec = (time: string, text: string): CriRecord => ({
    time,
    stream: "stdout",
    partial: false,
    text: Buffer.from(text),
  });
  const t1 = "2026-12-05T12:00:01.000000001Z";
  const t2 = "2026-12-05T12:00:01.000000002Z";

  it("finds the last time and how many records carry it, ignoring a torn last line", () => {
    const file = Buffer.concat([
      formatRecord(rec(t1, "a")),
      formatRecord(rec(t2, "b")),
      formatRecord(rec(t2, "c")),
      Buffer.from(`${t2} stdout F tor`),
    ]);
    expect(resumePointOf(file)).toEqual({ time: timeKey(t2), sameTime: 2 });
    expect(resumePointOf(Buffer.alloc(0))).toBeUndefined();
  });

  it("skips exactly what the file holds when the engine replays the second", () => {
    const filter = new ResumeFilter({ time: timeKey(t2)!, sameTime: 2 });
    const replay = [rec(t1, "a"), rec(t2, "b"), rec(t2, "c"), rec(t2, "d"), rec("2026-12-05T12:00:02Z", "e")];
    expect(replay.filter((r) => filter.keep(r)).map((r) => r.text.toString())).toEqual(["d", "e"]);
    const fresh = new ResumeFilter(undefined);
    expect(replay.every((r) => fresh.keep(r))).toBe(true);
  });
});
