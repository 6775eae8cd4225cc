import { describe, expect, it } from "vitest";
import { FakeClock } from "../test/helpers/fake-clock.js";
import { Hold } from "./hold.js";

describe("Hold", () => {
  it("waits while the urgent work runs, at most maxMs in a row, and starts over once it stops", async () => {
    const clock = new FakeClock(0);
    let urgent = false;
    const hold = new Hold(clock, 1_000, () => urgent);
    expect(hold.waits()).toBe(false);
    urgent = true;
    expect(hold.waits()).toBe(true);
    await clock.advance(999);
    expect(hold.waits()).toBe(true);
    await clock.advance(1);
    expect(hold.waits()).toBe(false);
    // Still urgent: the bound stays spent until the urgent work stops once.
    await clock.advance(5_000);
    expect(hold.waits()).toBe(false);
    urgent = false;
    expect(hold.waits()).toBe(false);
    urgent = true;
    expect(hold.waits()).toBe(true);
  });
});
