import { describe, expect, it } from "vitest";
import { GridClientState } from "./grid-client.js";
import type { GridColumn } from "./grid-protocol.js";

const column = (name: string): GridColumn => ({
  namespace: "default",
  name,
  uid: name,
  desired: 0,
  updated: 0,
  ready: 0,
  available: 0,
  paused: false,
});

function synced(): GridClientState {
  const s = new GridClientState();
  s.apply({ t: "reset" });
  s.apply({ t: "columns", columns: [column("a"), column("b")] });
  s.apply({ t: "reasons", add: [[1, "node does not match the nodeSelector"]] });
  s.apply({
    t: "rows",
    rows: [
      ["node-10", "R", "R-", [0, 1]],
      ["node-9", "N", "CR"],
      ["node-100", "Rc", "RR"],
    ],
    nodes: 3,
  });
  s.apply({ t: "synced", nodes: 3 });
  return s;
}

describe("GridClientState", () => {
  it("orders rows by name with numbers compared as numbers", () => {
    expect(synced().order).toEqual(["node-9", "node-10", "node-100"]);
  });

  it("reads a cell's state and its reason", () => {
    const s = synced();
    const row = s.row("node-10");
    expect(row && s.cell(row, 1)).toEqual({
      state: "ineligible",
      reason: "node does not match the nodeSelector",
    });
    expect(row && s.cell(row, 0)).toEqual({ state: "ready", reason: undefined });
  });

  it("places new rows in order and drops deleted ones after the snapshot", () => {
    const s = synced();
    s.apply({ t: "rows", rows: [["node-11", "R", "PP"]], del: ["node-9"], nodes: 3 });
    expect(s.order).toEqual(["node-10", "node-11", "node-100"]);
    expect(s.totalNodes).toBe(3);
    s.apply({ t: "rows", rows: [["node-11", "R", "RR"]], nodes: 3 });
    expect(s.order).toHaveLength(3);
  });

  it("counts the states of each column", () => {
    const counts = synced().counts();
    expect(counts[0]).toMatchObject({ ready: 2, crashloop: 1 });
    expect(counts[1]).toMatchObject({ ready: 2, ineligible: 1 });
  });

  it("a reset forgets rows and reasons, and marks a new epoch", () => {
    const s = synced();
    const epoch = s.epoch;
    s.apply({ t: "reset" });
    expect([s.size, s.order.length, s.synced, s.epoch]).toEqual([0, 0, false, epoch + 1]);
  });
});
