import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../shared/api-types.js";
import { openStore } from "./index.js";
import type { ChangeEvent, Store } from "./store.js";
import { fakeClock, pod, tempDir } from "./test-support.js";

describe("store transactions", () => {
  const clock = fakeClock();
  const dirs: ReturnType<typeof tempDir>[] = [];
  const stores: Store[] = [];

  function openFile(file: string): Store {
    const store = openStore({ path: file, clock });
    stores.push(store);
    return store;
  }
  function newFile(): string {
    const dir = tempDir();
    dirs.push(dir);
    return dir.file();
  }

  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    for (const d of dirs.splice(0)) d.remove();
  });

  it("gives each write of a transaction its own increasing revision", () => {
    const store = openFile(newFile());
    const [a, b, c] = store.transaction((tx): KubeObject[] => [
      tx.create("pods", pod("a")),
      tx.create("pods", pod("b")),
      tx.create("nodes", { metadata: { name: "n1" } }),
    ]);
    expect([a, b, c].map((o) => o?.metadata.resourceVersion)).toEqual(["1", "2", "3"]);
    expect(store.revision()).toBe(3);
  });

  it("lets tx.get see the transaction's own writes before commit, and others not", () => {
    const store = openFile(newFile());
    store.transaction((tx) => {
      tx.create("pods", pod("a"));
      expect(tx.get("pods", "default", "a")?.metadata.resourceVersion).toBe("1");
      expect(store.list("pods")).toEqual([]);
      const updated = tx.update("pods", structuredClone(tx.get("pods", "default", "a")!));
      expect(updated.metadata.resourceVersion).toBe("2");
      tx.delete("pods", "default", "a");
      expect(tx.get("pods", "default", "a")).toBeUndefined();
      tx.create("pods", pod("a"));
    });
    expect(store.get("pods", "default", "a")?.metadata.resourceVersion).toBe("4");
    expect(store.revision()).toBe(4);
  });

  it("a throwing transaction leaves memory, revision, listeners and the file unchanged", () => {
    const file = newFile();
    const store = openFile(file);
    const kept = store.create("pods", pod("kept"));
    const heard: ChangeEvent[] = [];
    store.watch("pods", undefined, (e) => heard.push(e));
    let batches = 0;
    store.onChange(() => batches++);

    expect(() =>
      store.transaction((tx) => {
        tx.create("pods", pod("new"));
        tx.delete("pods", "default", "kept");
        tx.create("nodes", { metadata: { name: "n1" } });
        throw new Error("changed my mind");
      }),
    ).toThrow("changed my mind");

    expect(store.revision()).toBe(1);
    expect(store.list("pods")).toEqual([kept]);
    expect(store.list("nodes")).toEqual([]);
    expect(heard).toEqual([]);
    expect(batches).toBe(0);
    // A later write continues from the committed revision.
    expect(store.create("pods", pod("later")).metadata.resourceVersion).toBe("2");
    store.close();

    const reopened = openFile(file);
    expect(reopened.list("pods").map((p) => p.metadata.name)).toEqual(["kept", "later"]);
    expect(reopened.list("nodes")).toEqual([]);
    expect(reopened.revision()).toBe(2);
  });

  it("a failing write inside a transaction undoes the writes before it", () => {
    const store = openFile(newFile());
    store.create("pods", pod("taken"));
    expect(() =>
      store.transaction((tx) => {
        tx.create("pods", pod("first"));
        tx.create("pods", pod("taken"));
      }),
    ).toThrow(/already exists/);
    expect(store.get("pods", "default", "first")).toBeUndefined();
    expect(store.revision()).toBe(1);
  });

  it("nested transactions join the outer one: one commit, one onChange", () => {
    const store = openFile(newFile());
    const batches: number[][] = [];
    store.onChange((events) => batches.push(events.map((e) => e.revision)));
    store.transaction((tx) => {
      tx.create("pods", pod("a"));
      store.transaction((inner) => inner.create("pods", pod("b")));
      store.create("pods", pod("c"));
      expect(batches).toEqual([]);
    });
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("a nested transaction that throws is undone alone when the outer one catches it", () => {
    const store = openFile(newFile());
    store.transaction((tx) => {
      tx.create("pods", pod("a"));
      try {
        store.transaction((inner) => {
          inner.create("pods", pod("b"));
          throw new Error("inner fails");
        });
      } catch {
        // The outer transaction goes on without b.
      }
      expect(tx.get("pods", "default", "b")).toBeUndefined();
      tx.create("pods", pod("c"));
    });
    expect(store.list("pods").map((p) => `${p.metadata.name}@${p.metadata.resourceVersion}`)).toEqual([
      "a@1",
      "c@2",
    ]);
  });

  it("refuses an async transaction function and writes nothing", () => {
    const store = openFile(newFile());
    expect(() =>
      store.transaction((tx) => {
        tx.create("pods", pod("a"));
        return Promise.resolve();
      }),
    ).toThrow(/synchronous/);
    expect(store.list("pods")).toEqual([]);
  });

  it("a writer used after its transaction ended throws", () => {
    const store = openFile(newFile());
    let leaked: Parameters<Parameters<Store["transaction"]>[0]>[0] | undefined;
    store.transaction((tx) => {
      leaked = tx;
    });
    expect(() => leaked?.create("pods", pod("late"))).toThrow(/already ended/);
  });

  it("a transaction that writes nothing announces nothing", () => {
    const store = openFile(newFile());
    let batches = 0;
    store.onChange(() => batches++);
    expect(store.transaction(() => 42)).toBe(42);
    expect(batches).toBe(0);
    expect(store.revision()).toBe(0);
  });
});
