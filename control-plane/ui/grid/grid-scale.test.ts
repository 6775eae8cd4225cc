// The dashboard's aggregation at the size everynode is built for: 10,000 nodes × 5
// DaemonSets (50,000 pods) in the in-memory store. Logs what the grid costs (initial build,
// one pod's update, a DaemonSet's whole column, a browser's snapshot) and the longest slice
// of work, which is how long it ever holds the event loop. Timings are logged, not asserted
// (they belong to benchmarks); the test asserts that the work is sliced and the answer right.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonSet, Node, Pod } from "../../../shared/api-types.js";
import { daemonPod, daemonSet } from "../../controller/test-builders.js";
import { openStore } from "../../store/index.js";
import type { Store } from "../../store/store.js";
import { fakeClock } from "../../store/test-support.js";
import type { GridMessage } from "../grid-protocol.js";
import { GridModel } from "./grid-model.js";
import { GridSubscription } from "./grid-subscription.js";

const NODES = Number(process.env.GRID_BENCH_NODES ?? 10_000);
const DAEMONSETS = 5;
const SLICE = 250;

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const round = (x: number): number => Math.round(x * 100) / 100;

let store: Store;
let model: GridModel;
const slices: number[] = [];

function nodeName(i: number): string {
  return `node-${String(i).padStart(5, "0")}`;
}

beforeAll(() => {
  const t0 = process.hrtime.bigint();
  store = openStore({ path: ":memory:", clock: fakeClock() });
  store.transaction((tx) => {
    for (let d = 0; d < DAEMONSETS; d++)
      tx.create("daemonsets", daemonSet({}, { name: `ds-${d}`, uid: `uid-${d}` }));
    for (let i = 0; i < NODES; i++) {
      const n: Node = {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: nodeName(i), labels: { rack: `r${i % 40}` } },
        spec: {},
        status: { conditions: [{ type: "Ready", status: "True" }] },
      };
      tx.create("nodes", n);
      for (let d = 0; d < DAEMONSETS; d++) {
        const p = daemonPod(`ds-${d}-${nodeName(i)}`, nodeName(i), { ownerUid: `uid-${d}`, hash: "h1" });
        delete p.metadata.uid;
        tx.create("pods", p);
      }
    }
  });
  console.log(
    `grid scale: the store with ${NODES} nodes and ${NODES * DAEMONSETS} pods took ${Math.round(ms(t0))} ms`,
  );
  // Every slice of work is timed: the longest is the longest the event loop is held.
  model = new GridModel({
    store,
    clock: fakeClock(),
    sliceNodes: SLICE,
    defer: (fn) =>
      void setImmediate(() => {
        const t = process.hrtime.bigint();
        fn();
        slices.push(ms(t));
      }),
  });
}, 120_000);

afterAll(() => store.close());

describe(`the grid at ${NODES} nodes × ${DAEMONSETS} DaemonSets`, () => {
  it("builds, updates and streams in slices", async () => {
    const report: Record<string, number> = {};
    const take = (): { total: number; max: number; median: number; count: number } => {
      const s = slices.splice(0).sort((a, b) => a - b);
      const total = s.reduce((a, b) => a + b, 0);
      return {
        total: round(total),
        max: round(s.at(-1) ?? 0),
        median: round(s[s.length >> 1] ?? 0),
        count: s.length,
      };
    };

    const detach = model.attach(() => {});
    await model.whenReady();
    await model.idle();
    const build = take();
    expect(model.size).toBe(NODES);
    expect(build.count).toBeGreaterThanOrEqual(NODES / SLICE);
    report.initialBuildMs = build.total;
    report.initialBuildLongestSliceMs = build.max;
    report.initialBuildMedianSliceMs = build.median;

    // One pod turns crash-looping: one row recomputed.
    const name = `ds-3-${nodeName(4242)}`;
    const pod = structuredClone(store.get<Pod>("pods", "default", name)) as Pod;
    pod.status = { ...pod.status, phase: "Running" };
    pod.status.containerStatuses = [
      {
        name: "web",
        state: { waiting: { reason: "CrashLoopBackOff" } },
        lastState: {},
        ready: false,
        restartCount: 5,
        image: "",
        imageID: "",
      },
    ];
    let t0 = process.hrtime.bigint();
    store.update("pods", pod);
    const writeMs = ms(t0);
    await model.idle();
    report.podUpdateMs = take().total;
    report.podUpdateStoreWriteMs = round(writeMs);
    expect(model.row(nodeName(4242))?.cells[3]?.state).toBe("crashloop");

    // A new template: every cell of the column is recomputed (now "updating").
    const ds = structuredClone(store.get<DaemonSet>("daemonsets", "default", "ds-1")) as DaemonSet;
    ds.metadata.generation = 2;
    ds.status = {
      currentNumberScheduled: NODES,
      numberMisscheduled: 0,
      desiredNumberScheduled: NODES,
      numberReady: NODES,
      rollout: {
        updateRevision: 2,
        updateHash: "h2",
        updatedNodes: 0,
        oldNodes: NODES,
        heldBackNodes: 0,
        updatedAvailableNodes: 0,
      },
    };
    store.update("daemonsets", ds);
    await model.idle();
    const column = take();
    report.columnChangeMs = column.total;
    report.columnChangeLongestSliceMs = column.max;
    report.columnChangeMedianSliceMs = column.median;
    expect(model.row(nodeName(7))?.cells[1]?.state).toBe("updating");

    // A browser's snapshot, then a batch of 1,000 changed rows.
    const out: GridMessage[] = [];
    const sub = new GridSubscription(model, { labels: [], problemsOnly: false }, (m) => (out.push(m), true));
    const chunks: number[] = [];
    do {
      t0 = process.hrtime.bigint();
      sub.flush();
      chunks.push(ms(t0));
    } while (sub.snapshotting);
    const bytes = out.reduce((n, m) => n + JSON.stringify(m).length + 1, 0);
    report.snapshotMs = round(chunks.reduce((a, b) => a + b, 0));
    report.snapshotLongestChunkMs = round(Math.max(...chunks));
    report.snapshotKiB = Math.round(bytes / 1024);
    expect(out.filter((m) => m.t === "rows").flatMap((m) => (m.t === "rows" ? m.rows : []))).toHaveLength(
      NODES,
    );

    const names = Array.from({ length: 1000 }, (_, i) => nodeName(i * 7));
    sub.onChange({ type: "rows", names });
    out.length = 0;
    t0 = process.hrtime.bigint();
    sub.flush();
    report.batchOf1000RowsMs = round(ms(t0));
    report.batchOf1000RowsKiB = Math.round(out.reduce((n, m) => n + JSON.stringify(m).length, 0) / 1024);
    detach();

    console.log(
      `grid scale (${NODES} nodes × ${DAEMONSETS} DaemonSets, slices of ${SLICE} nodes):\n${JSON.stringify(report, null, 2)}`,
    );
  }, 120_000);
});
