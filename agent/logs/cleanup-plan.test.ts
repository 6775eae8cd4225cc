import { describe, expect, it } from "vitest";
import { planCleanup } from "./cleanup-plan.js";

describe("cleanup of log files", () => {
  const disk = {
    attempts: ["ns_p_u1/app/0", "ns_p_u1/app/1", "ns_q_u2/app/0"],
    links: [
      { name: "p_ns_app-1.log", containerId: "c1" },
      { name: "q_ns_app-2.log", containerId: "c2" },
    ],
  };
  const live = { attempts: new Set(["ns_p_u1/app/1"]), containerIds: new Set(["c1"]) };

  it("keeps what runs, and what is gone until the grace period has passed", () => {
    const first = planCleanup(disk, live, new Map(), 1000, 60_000);
    expect(first.removeAttempts).toEqual([]);
    expect(first.removeLinks).toEqual([]);
    expect([...first.goneSince.keys()].sort()).toEqual([
      "attempt:ns_p_u1/app/0",
      "attempt:ns_q_u2/app/0",
      "link:q_ns_app-2.log",
    ]);
    const early = planCleanup(disk, live, first.goneSince, 60_999, 60_000);
    expect(early.removeAttempts).toEqual([]);
    const due = planCleanup(disk, live, early.goneSince, 61_000, 60_000);
    expect(due.removeAttempts).toEqual(["ns_p_u1/app/0", "ns_q_u2/app/0"]);
    expect(due.removeLinks).toEqual(["q_ns_app-2.log"]);
  });

  it("forgets an absence once the thing is back", () => {
    const first = planCleanup(disk, live, new Map(), 0, 60_000);
    const back = { attempts: new Set(disk.attempts), containerIds: new Set(["c1", "c2"]) };
    const again = planCleanup(disk, back, first.goneSince, 30_000, 60_000);
    expect(again.goneSince.size).toBe(0);
    expect(planCleanup(disk, live, again.goneSince, 61_000, 60_000).removeAttempts).toEqual([]);
  });
});
