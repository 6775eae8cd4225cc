// Stored objects may hold data no validation would pass today (written before it existed,
// or by a path that does not check): one of them must never fail a whole list.

import { describe, expect, it } from "vitest";
import type { KubeEvent, KubeObject, Node } from "../../../shared/api-types.js";
import { buildTable } from "./build-table.js";
import { eventPrinter } from "./other-printers.js";
import { nodePrinter } from "./node-printer.js";

const NOW = Date.parse("2026-12-01T12:00:00Z");

describe("odd stored data in tables", () => {
  it("prints a node whose addresses hold null, and the other nodes as usual", () => {
    const odd = {
      metadata: { name: "odd", creationTimestamp: "2026-12-01T11:00:00Z" },
      spec: {},
      status: { addresses: [null, { type: "InternalIP", address: 10 }], conditions: "Ready" },
    } as unknown as Node;
    const fine: Node = {
      metadata: { name: "fine", creationTimestamp: "2026-12-01T11:00:00Z" },
      spec: {},
      status: {
        addresses: [{ type: "InternalIP", address: "10.0.0.2" }],
        conditions: [{ type: "Ready", status: "True" }],
      },
    };
    const table = buildTable("nodes", [odd, fine], { now: NOW, resourceVersion: "1" });
    expect(table.rows.map((r) => r.cells.slice(0, 6))).toEqual([
      ["odd", "Unknown", "<none>", "60m", "", "<unknown>"],
      ["fine", "Ready", "<none>", "60m", "", "10.0.0.2"],
    ]);
  });

  it("prints <unknown> in the cells of an event's odd fields and the rest as usual", () => {
    const odd = {
      metadata: { name: "odd", namespace: "default" },
      involvedObject: { kind: 5, name: "x" },
      lastTimestamp: "not-a-date",
      firstTimestamp: { at: 1 },
      reason: ["R"],
      message: 42,
      type: "Warning",
      count: "many",
    } as unknown as KubeEvent;
    expect(eventPrinter.cells(odd, NOW)).toEqual([
      "<unknown>",
      "Warning",
      "<unknown>",
      "<unknown>",
      "",
      "",
      "<unknown>",
      "<unknown>",
      "<unknown>",
      "odd",
    ]);
  });

  it("a printer that throws on an object gives that row <unknown> cells behind its name", () => {
    const broken = {
      metadata: { name: "broken" },
      spec: { template: { spec: { containers: "web" } } },
    } as unknown as KubeObject;
    const table = buildTable("daemonsets", [broken], { now: NOW, resourceVersion: "1" });
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.cells[0]).toBe("broken");
    expect(table.rows[0]?.cells.slice(1).every((c) => c === "<unknown>")).toBe(true);
  });

  it("a node's table cells are always strings or numbers", () => {
    const weird = {
      metadata: { name: "w", labels: "x" },
      spec: { unschedulable: "yes" },
      status: { nodeInfo: { kubeletVersion: { v: 1 }, osImage: 7 } },
    } as unknown as Node;
    for (const cell of nodePrinter.cells(weird, NOW)) expect(["string", "number"]).toContain(typeof cell);
  });
});
