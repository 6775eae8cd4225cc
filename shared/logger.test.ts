import { describe, expect, it } from "vitest";
import { createLogger, type LogFormat } from "./logger.js";

const T = new Date("2026-12-04T10:00:00.000Z");

function capture(format: LogFormat, level: "debug" | "info" = "info") {
  const lines: string[] = [];
  const logger = createLogger({ format, level, component: "api", write: (l) => lines.push(l), now: () => T });
  return { lines, logger };
}

describe("text format (the default)", () => {
  it("writes time, level, message and key=value fields, quoting what needs it", () => {
    const { lines, logger } = capture("text");
    logger.child({ node: "n1" }).warn("pass failed", { error: new Error("boom"), ms: 12, why: "a b" });
    expect(lines).toEqual([
      '2026-12-04T10:00:00.000Z WARN  pass failed component=api node=n1 error="boom" ms=12 why="a b"',
    ]);
  });
});

describe("json format", () => {
  it("writes one JSON object per line: time, level, msg, then the fields", () => {
    const { lines, logger } = capture("json");
    logger.child({ node: "n1" }).info("agent connected", { appliedRevision: 7, gone: undefined });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      time: "2026-12-04T10:00:00.000Z",
      level: "info",
      msg: "agent connected",
      component: "api",
      node: "n1",
      appliedRevision: 7,
    });
    expect(Object.keys(JSON.parse(lines[0] as string)).slice(0, 3)).toEqual(["time", "level", "msg"]);
  });

  it("keeps a line one line and valid JSON whatever the fields hold", () => {
    const { lines, logger } = capture("json");
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    logger.error("odd\nmessage", {
      error: new Error("bad\nthing"),
      nested: { a: [1, "x"] },
      big: 12n,
      cycle,
      level: "field named level",
      msg: "field named msg",
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    const o = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(o).toMatchObject({
      level: "error",
      msg: "odd\nmessage",
      error: "bad\nthing",
      nested: { a: [1, "x"] },
      big: "12",
      cycle: "[object Object]",
      "field.level": "field named level",
      "field.msg": "field named msg",
    });
  });

  it("honours the level", () => {
    const { lines, logger } = capture("json");
    logger.debug("hidden");
    expect(lines).toEqual([]);
  });
});
