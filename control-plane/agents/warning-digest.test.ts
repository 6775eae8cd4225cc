import { describe, expect, it } from "vitest";
import { createLogger } from "../../shared/logger.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { WarningDigest } from "./warning-digest.js";

function setup() {
  const lines: string[] = [];
  const clock = new FakeClock();
  const logger = createLogger({ level: "debug", write: (l) => lines.push(l) });
  const digest = new WarningDigest({ clock, logger, intervalMs: 10_000 });
  return { lines, clock, digest };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("WarningDigest", () => {
  it("writes one line per node and kind per interval, with a count and three examples", async () => {
    const { lines, clock, digest } = setup();
    for (let i = 0; i < 1000; i++) digest.note("node-a", "status reports for unknown pods", `default/p${i}`);
    digest.note("node-b", "status reports for unknown pods", "default/q");
    expect(lines).toEqual([]);
    await clock.advance(10_000);
    await settle();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /WARN {2}1000 status reports for unknown pods from node node-a, e\.g\. default\/p0; default\/p1; default\/p2, \.\.\. node=node-a count=1000$/,
    );
    expect(lines[1]).toMatch(
      /1 status reports for unknown pods from node node-b, e\.g\. default\/q node=node-b/,
    );
  });

  it("starts a new count after each interval and flushes on close", async () => {
    const { lines, clock, digest } = setup();
    digest.note("n", "things", "a");
    await clock.advance(10_000);
    await settle();
    digest.note("n", "things", "b");
    digest.close();
    expect(lines.map((l) => l.replace(/^\S+ /, ""))).toEqual([
      "WARN  1 things from node n, e.g. a node=n count=1",
      "WARN  1 things from node n, e.g. b node=n count=1",
    ]);
  });
});
