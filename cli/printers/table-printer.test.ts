import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { Table } from "./table-printer.js";
import { WatchTableWriter, formatLabels, printTable, tableCells } from "./table-printer.js";
import { alignTabs, DESCRIBE_TABS, GET_TABS } from "./tabwriter.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../testdata");
const sample = (name: string): Table => JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Table;

describe("table printer (kubectl's real output, kubectl-wire.md §2.3/2.4)", () => {
  it("prints nodes like kubectl get nodes", () => {
    expect(printTable(sample("table-nodes.json"))).toBe(
      [
        "NAME           STATUS   ROLES           AGE   VERSION",
        "controlplane   Ready    control-plane   3s    v1.32.0",
        "node01         Ready    <none>          3s    v1.32.0",
        "",
      ].join("\n"),
    );
  });

  it("prints the wide pod columns with kind prefixes as get all -o wide does", () => {
    expect(printTable(sample("table-pods.json"), { wide: true, kindPrefix: "pod" })).toBe(
      [
        "NAME              READY   STATUS    RESTARTS   AGE   IP            NODE           NOMINATED NODE   READINESS GATES",
        "pod/nginx-49351   1/1     Running   0          2s    10.244.1.11   node01         <none>           <none>",
        "pod/nginx-c95ef   1/1     Running   0          2s    10.244.0.10   controlplane   <none>           <none>",
        "",
      ].join("\n"),
    );
  });

  it("prints the daemonset row of get all -o wide, integers as numbers", () => {
    expect(printTable(sample("table-daemonsets.json"), { wide: true, kindPrefix: "daemonset.apps" })).toBe(
      [
        "NAME                   DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES   SELECTOR",
        "daemonset.apps/nginx   2         2         2       2            2           <none>          2s    nginx        nginx    app=nginx",
        "",
      ].join("\n"),
    );
  });

  it("adds a NAMESPACE column from each row's object with -A", () => {
    const out = printTable(sample("table-pods.json"), { withNamespace: true });
    expect(out.split("\n")[0]).toBe("NAMESPACE   NAME          READY   STATUS    RESTARTS   AGE");
    expect(out.split("\n")[1]).toBe("default     nginx-49351   1/1     Running   0          2s");
  });

  it("hides wide-only columns without -o wide and headers with --no-headers", () => {
    const out = printTable(sample("table-nodes.json"), { noHeaders: true });
    expect(out).toBe(
      "controlplane   Ready   control-plane   3s    v1.32.0\nnode01         Ready   <none>          3s    v1.32.0\n",
    );
  });

  it("appends sorted LABELS with --show-labels", () => {
    const { header, rows } = tableCells(sample("table-pods.json"), { showLabels: true });
    expect(header.at(-1)).toBe("LABELS");
    expect(rows[0]?.at(-1)).toBe("app=nginx,controller-revision-hash=abc123,pod-template-generation=1");
  });

  it("prints nothing for an empty table", () => {
    expect(printTable({ ...sample("table-pods.json"), rows: [] })).toBe("");
  });

  it("keeps the table's widths for later watch rows", () => {
    const w = new WatchTableWriter();
    const first = w.start(["NAME", "STATUS"], [["a", "Running"]]);
    expect(first).toBe("NAME   STATUS\na      Running\n");
    expect(w.row(["b", "Pending"])).toBe("b      Pending\n");
    expect(w.row(["longer-name", "Running"])).toBe("longer-name   Running\n");
  });
});

describe("formatLabels", () => {
  it.each([
    [undefined, "<none>"],
    [{}, "<none>"],
    [{ b: "2", a: "1" }, "a=1,b=2"],
  ])("%j → %s", (labels, text) => expect(formatLabels(labels)).toBe(text));
});

describe("tabwriter blocks", () => {
  it("aligns consecutive lines sharing a column and restarts after a line without tabs", () => {
    const text = "Name:\tx\nCreationTimestamp:\ty\nConditions:\n  Type\tStatus\n  Ready\tTrue\n";
    expect(alignTabs(text, DESCRIBE_TABS)).toBe(
      "Name:               x\nCreationTimestamp:  y\nConditions:\n  Type   Status\n  Ready  True\n",
    );
  });

  it("never pads a get column below kubectl's minimum width of 6", () => {
    expect(alignTabs("A\tB\nx\ty\n", GET_TABS)).toBe("A     B\nx     y\n");
  });
});
