import { statSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "./index.js";
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
