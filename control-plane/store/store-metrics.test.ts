import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "./index.js";
import type { Store } from "./store.js";
import { fakeClock, pod, tempDir } from "./test-support.js";

describe("what the store tells /metrics", () => {
  let store: Store | undefined;
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    store?.close();
    dir.remove();
  });

  it("times each transaction that wrote, once, and no other", () => {
    const seconds: number[] = [];
    store = openStore({ path: dir.file(), clock: fakeClock(), onWrite: (s) => seconds.push(s) });
    store.create("pods", pod("a"));
    store.transaction((tx) => {
      tx.create("pods", pod("b"));
      tx.create("pods", pod("c"));
      // A nested transaction joins the outer one: still one write.
      store?.transaction((inner) => inner.create("pods", pod("d")));
    });
    store.transaction((tx) => tx.get("pods", "default", "a"));
    expect(() => store?.transaction((tx) => tx.create("pods", pod("a")))).toThrow(/already exists/);
    expect(seconds).toHaveLength(2);
    for (const s of seconds) expect(s).toBeGreaterThanOrEqual(0);
  });

  it("measures the database, growing as objects are written", () => {
    store = openStore({ path: dir.file(), clock: fakeClock() });
    const before = store.databaseBytes();
    expect(before).toBeGreaterThan(0);
    store.transaction((tx) => {
      for (let i = 0; i < 200; i++) tx.create("pods", pod(`p-${i}`, { node: "n1" }));
    });
    expect(store.databaseBytes()).toBeGreaterThan(before);
  });
});
