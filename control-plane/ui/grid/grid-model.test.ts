import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DaemonSet, Node, Pod } from "../../../shared/api-types.js";
import { daemonPod, daemonSet, node } from "../../controller/test-builders.js";
import { openStore } from "../../store/index.js";
import type { Store } from "../../store/store.js";
import { fakeClock } from "../../store/test-support.js";
import type { GridMessage } from "../grid-protocol.js";
import { GridModel, type GridChange } from "./grid-model.js";
import { GridSubscription } from "./grid-subscription.js";

let store: Store;
let model: GridModel;
let changes: GridChange[];
let detach: () => void;

function ds(name: string, uid: string, podSpec: Parameters<typeof daemonSet>[0] = {}): DaemonSet {
  return daemonSet(podSpec, { name, uid });
}

function podOf(
  dsName: string,
  uid: string,
  nodeName: string,
  extra: Parameters<typeof daemonPod>[2] = {},
): Pod {
  const p = daemonPod(`${dsName}-${nodeName}`, nodeName, { ownerUid: uid, hash: "h1", ...extra });
  delete p.metadata.uid;
  return p;
}

function cells(name: string): string {
  return (model.row(name)?.cells ?? []).map((c) => c.state).join(",");
}

function update<T extends Node | Pod | DaemonSet>(
  resource: "nodes" | "pods" | "daemonsets",
  ns: string | undefined,
  name: string,
  change: (o: T) => void,
): void {
  const o = structuredClone(store.get<T>(resource, ns, name)) as T;
  change(o);
  store.update(resource, o);
}

beforeEach(async () => {
  store = openStore({ path: ":memory:", clock: fakeClock() });
  store.transaction((tx) => {
    tx.create("nodes", node("n1", { labels: { zone: "a" } }));
    tx.create("nodes", node("n2", { labels: { zone: "b" } }));
    tx.create("daemonsets", ds("agent", "uid-agent"));
    tx.create("daemonsets", ds("gpu", "uid-gpu", { nodeSelector: { gpu: "yes" } }));
    tx.create("pods", podOf("agent", "uid-agent", "n1"));
  });
  model = new GridModel({ store, clock: fakeClock(), sliceNodes: 1 });
  changes = [];
  detach = model.attach((c) => changes.push(c));
  await model.whenReady();
  await model.idle();
});

afterEach(() => {
  detach();
  store.close();
});

describe("GridModel", () => {
  it("builds one row per node and one cell per DaemonSet, in slices", () => {
    expect(model.columns().map((c) => c.metadata.name)).toEqual(["agent", "gpu"]);
    expect(cells("n1")).toBe("ready,ineligible");
    expect(cells("n2")).toBe("missing,ineligible");
    expect(model.row("n2")?.cells[1]?.reason).toBe("node does not match the nodeSelector");
    expect(changes).toEqual([{ type: "reset" }]);
  });

  it("recomputes only the row of a pod that changed, and says which", async () => {
    update<Pod>("pods", "default", "agent-n1", (p) => {
      p.status = {
        phase: "Running",
        containerStatuses: [
          {
            name: "web",
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: {},
            ready: false,
            restartCount: 3,
            image: "",
            imageID: "",
          },
        ],
      };
    });
    await model.idle();
    expect(cells("n1")).toBe("crashloop,ineligible");
    expect(changes.slice(1)).toEqual([{ type: "rows", names: ["n1"] }]);
  });

  it("adds a joining node's row, and drops a deleted node's", async () => {
    store.create("nodes", node("n3", { labels: { gpu: "yes" } }));
    await model.idle();
    expect(cells("n3")).toBe("missing,missing");
    store.delete("nodes", undefined, "n2");
    await model.idle();
    expect(model.row("n2")).toBeUndefined();
    expect(changes.slice(1)).toEqual([
      { type: "rows", names: ["n3"] },
      { type: "rows", names: ["n2"] },
    ]);
  });

  it("a node label change that makes it eligible changes its cell", async () => {
    update<Node>("nodes", undefined, "n2", (n) => {
      n.metadata.labels = { ...n.metadata.labels, gpu: "yes" };
    });
    await model.idle();
    expect(cells("n2")).toBe("missing,missing");
  });

  it("a change to a DaemonSet's spec recomputes its column; a new DaemonSet resets the grid", async () => {
    update<DaemonSet>("daemonsets", "default", "gpu", (d) => {
      delete d.spec.template.spec.nodeSelector;
      d.metadata.generation = 2;
    });
    await model.idle();
    expect(cells("n1")).toBe("ready,missing");
    expect(changes.slice(1)).toContainEqual({ type: "columns" });
    store.create("daemonsets", ds("aaa", "uid-aaa"));
    await model.idle();
    expect(model.columns().map((c) => c.metadata.name)).toEqual(["aaa", "agent", "gpu"]);
    expect(changes.at(-1)).toEqual({ type: "reset" });
  });

  it("a status-only DaemonSet change updates the numbers, not the cells", async () => {
    update<DaemonSet>("daemonsets", "default", "agent", (d) => {
      d.status = {
        currentNumberScheduled: 1,
        numberMisscheduled: 0,
        desiredNumberScheduled: 2,
        numberReady: 1,
      };
    });
    await model.idle();
    expect(changes.slice(1)).toEqual([{ type: "columns" }]);
  });
});

describe("GridSubscription", () => {
  function subscribe(filter: Partial<ConstructorParameters<typeof GridSubscription>[1]> = {}, maxRows = 10) {
    const out: GridMessage[] = [];
    let accept = true;
    const sub = new GridSubscription(
      model,
      { labels: [], problemsOnly: false, ...filter },
      (m) => {
        out.push(m);
        return accept;
      },
      maxRows,
    );
    const off = model.attach((c) => sub.onChange(c));
    return {
      sub,
      out,
      off,
      block: (b: boolean) => (accept = !b),
      drain: () => {
        while (sub.snapshotting) sub.flush();
        return out.splice(0);
      },
    };
  }

  it("sends a snapshot (reset, columns, reasons, rows, synced), then batched changes", async () => {
    const s = subscribe();
    const snapshot = s.drain();
    expect(snapshot.map((m) => m.t)).toEqual(["reset", "columns", "reasons", "rows", "synced"]);
    expect(snapshot[1]).toMatchObject({ columns: [{ name: "agent" }, { name: "gpu" }] });
    const reasons = new Map((snapshot[2] as { add: [number, string][] }).add);
    const rows = (snapshot[3] as { rows: [string, string, string, number[]?][] }).rows;
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ["n1", "R", "R-"],
      ["n2", "R", "M-"],
    ]);
    expect(reasons.get(rows[1]?.[3]?.[1] ?? 0)).toBe("node does not match the nodeSelector");

    store.create("nodes", node("n3"));
    await model.idle();
    s.sub.flush();
    expect(s.out.splice(0)).toEqual([{ t: "rows", rows: [["n3", "R", "M-", [2, 1]]], nodes: 3 }]);
    s.off();
  });

  it("filters by node labels and DaemonSets, and deletes rows that leave the filter", async () => {
    const s = subscribe({
      labels: [{ key: "zone", operator: "=", values: ["a"] }],
      daemonSets: new Set(["default/agent"]),
    });
    const rows = s.drain().filter((m) => m.t === "rows");
    expect(rows).toEqual([{ t: "rows", rows: [["n1", "R", "R"]], nodes: 2 }]);
    update<Node>("nodes", undefined, "n1", (n) => {
      n.metadata.labels = { zone: "c" };
    });
    await model.idle();
    s.sub.flush();
    expect(s.out.splice(0)).toEqual([{ t: "rows", rows: [], del: ["n1"], nodes: 2 }]);
    s.off();
  });

  it("problems only: keeps rows with a cell or a node to look at", async () => {
    const s = subscribe({ problemsOnly: true, daemonSets: new Set(["default/agent"]) });
    const rows = s.drain().filter((m) => m.t === "rows");
    expect(rows.flatMap((m) => (m.t === "rows" ? m.rows.map((r) => r[0]) : []))).toEqual(["n2"]);
    s.off();
  });

  it("sends at most maxRows a flush, and none while the client is behind", async () => {
    const s = subscribe({}, 1);
    expect(s.drain().filter((m) => m.t === "rows")).toHaveLength(2);
    for (const n of ["n4", "n5", "n6"]) store.create("nodes", node(n));
    await model.idle();
    s.block(true);
    s.sub.flush();
    // The reasons were sent with the snapshot: only the row now.
    expect(s.out.splice(0).map((m) => m.t)).toEqual(["rows"]);
    s.sub.flush();
    expect(s.out).toEqual([]);
    s.block(false);
    s.sub.resume();
    s.sub.flush();
    s.sub.flush();
    expect(s.out.splice(0).map((m) => m.t)).toEqual(["rows", "rows"]);
    s.off();
  });
});
