import { statSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "./index.js";
import { WAL_SIZE_LIMIT_BYTES } from "./migrations.js";
import { fakeClock, pod, tempDir } from "./test-support.js";

const size = (f: string): number => {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
};

async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("WAL checkpoints in a worker thread", () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it("copies committed writes into the database file outside the commits, and they survive a reopen", async () => {
    const file = dir.file("background.db");
    const failures: string[] = [];
    const clock = fakeClock();
    const store = openStore({ path: file, clock, onCheckpointFailure: (r) => failures.push(r) });
    const empty = size(file);
    const filler = "x".repeat(2_000);
    store.transaction((tx) => {
      for (let i = 0; i < 300; i++) {
        const p = pod(`p${i}`);
        tx.create("pods", { ...p, metadata: { ...p.metadata, annotations: { filler } } });
      }
    });
    // The commit only appended to the WAL; the worker brings the pages into the file.
    await until("the worker's checkpoint", () => size(file) > empty + 300 * 2_000);
    store.close();
    expect(failures).toEqual([]);
    const again = openStore({ path: file, clock });
    expect(again.list("pods")).toHaveLength(300);
    again.close();
  });

  it("cuts a burst's WAL back itself once it stopped growing, never inside the store's commits", async () => {
    const file = dir.file("cut-back.db");
    const failures: string[] = [];
    const store = openStore({
      path: file,
      clock: fakeClock(),
      onCheckpointFailure: (r) => failures.push(r),
      walQuietMs: 1_000,
    });
    const filler = "x".repeat(60_000);
    // A burst of about 1.25 times the limit.
    const count = Math.ceil((1.25 * WAL_SIZE_LIMIT_BYTES) / filler.length);
    store.transaction((tx) => {
      for (let i = 0; i < count; i++) {
        const p = pod(`p${i}`);
        tx.create("pods", { ...p, metadata: { ...p.metadata, annotations: { filler } } });
      }
    });
    const burst = size(`${file}-wal`);
    expect(burst).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
    // Once the worker has copied it all, the store's next commit starts the WAL over
    // without cutting the file (that cut stalled the commit).
    await until("the worker's checkpoint", () => size(file) > WAL_SIZE_LIMIT_BYTES);
    await new Promise((r) => setTimeout(r, 300));
    store.create("pods", pod("after"));
    expect(size(`${file}-wal`)).toBe(burst);
    // The worker cuts it once it has not grown for walQuietMs.
    await until("the worker's cut", () => size(`${file}-wal`) <= WAL_SIZE_LIMIT_BYTES);
    store.close();
    expect(failures).toEqual([]);
    const again = openStore({ path: file, clock: fakeClock() });
    expect(again.list("pods")).toHaveLength(count + 1);
    again.close();
  });

  it("is not started for a store in memory", () => {
    const failures: string[] = [];
    const store = openStore({
      path: ":memory:",
      clock: fakeClock(),
      onCheckpointFailure: (r) => failures.push(r),
    });
    store.create("pods", pod("a"));
    store.close();
    expect(failures).toEqual([]);
  });
});
