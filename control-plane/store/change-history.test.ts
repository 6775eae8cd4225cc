import { describe, expect, it } from "vitest";
import type { ResourceName } from "../kube/index.js";
import { ChangeHistory } from "./change-history.js";
import type { ChangeEvent } from "./store.js";

const event = (revision: number, resource: ResourceName = "pods"): ChangeEvent => ({
  type: "ADDED",
  resource,
  object: { metadata: { name: `o${revision}` } },
  revision,
});

describe("ChangeHistory", () => {
  it("returns the events after a revision, of one resource or all, in order", () => {
    const h = new ChangeHistory(10, 0);
    [event(1), event(2, "nodes"), event(3), event(4, "nodes")].forEach((e) => h.append(e));
    expect(h.since(1).map((e) => e.revision)).toEqual([2, 3, 4]);
    expect(h.since(0, "nodes").map((e) => e.revision)).toEqual([2, 4]);
    expect(h.since(4)).toEqual([]);
  });

  it.each([
    // capacity, events appended, revision asked, covered?
    [3, 5, 1, false],
    [3, 5, 2, true],
    [3, 5, 5, true],
    [10, 5, 0, true],
    [0, 5, 4, false],
    [0, 5, 5, true],
  ])("capacity %i after %i events: covers(%i) is %s", (capacity, count, asked, covered) => {
    const h = new ChangeHistory(capacity, 0);
    for (let r = 1; r <= count; r++) h.append(event(r));
    expect(h.covers(asked)).toBe(covered);
    expect(h.size).toBe(Math.min(capacity, count));
  });

  it("keeps the newest events when the ring wraps around several times", () => {
    const h = new ChangeHistory(4, 0);
    for (let r = 1; r <= 23; r++) h.append(event(r));
    expect(h.since(0).map((e) => e.revision)).toEqual([20, 21, 22, 23]);
    expect(h.since(21).map((e) => e.revision)).toEqual([22, 23]);
  });

  it("after a restart knows nothing before its start revision", () => {
    const h = new ChangeHistory(10, 42);
    expect(h.covers(41)).toBe(false);
    expect(h.covers(42)).toBe(true);
    h.append(event(43));
    expect(h.since(42).map((e) => e.revision)).toEqual([43]);
  });
});

describe("ChangeHistory: bounded by bytes and by age", () => {
  it("drops the oldest events past the byte bound, and no longer covers their revisions", () => {
    // Objects the store did not write count as 1 KiB each.
    const h = new ChangeHistory(100, 0, { maxBytes: 3 * 1024 });
    for (let r = 1; r <= 5; r++) h.append(event(r));
    expect(h.size).toBe(3);
    expect(h.byteSize).toBe(3 * 1024);
    expect(h.covers(1)).toBe(false);
    expect(h.covers(2)).toBe(true);
    expect(h.since(0).map((e) => e.revision)).toEqual([3, 4, 5]);
  });

  it("drops events older than the age bound when the next one comes", () => {
    let now = 0;
    const h = new ChangeHistory(100, 0, { maxAgeMs: 60_000, now: () => now });
    h.append(event(1));
    h.append(event(2));
    now = 61_000;
    h.append(event(3));
    expect(h.since(0).map((e) => e.revision)).toEqual([3]);
    expect(h.covers(1)).toBe(false);
    expect(h.covers(2)).toBe(true);
  });

  it("forgets events past the age bound at rest, though nothing new comes", () => {
    let now = 0;
    const h = new ChangeHistory(100, 0, { maxAgeMs: 75_000, now: () => now });
    h.append(event(1));
    now = 30_000;
    h.append(event(2));
    now = 75_000;
    expect(h.expire()).toBe(0);
    now = 80_000;
    expect(h.expire()).toBe(1);
    expect(h.byteSize).toBe(1024);
    now = 200_000;
    expect(h.expire()).toBe(1);
    expect(h.size).toBe(0);
    expect(h.byteSize).toBe(0);
    expect(h.covers(1)).toBe(false);
    expect(h.covers(2)).toBe(true);
  });

  it("defaults to 16 MiB and 75 s", () => {
    let now = 0;
    const h = new ChangeHistory(100, 0, { now: () => now });
    h.append(event(1));
    now = 75_000;
    expect(h.expire()).toBe(0);
    now = 75_001;
    expect(h.expire()).toBe(1);
  });
});
