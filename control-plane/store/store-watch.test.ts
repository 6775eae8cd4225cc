import { afterEach, describe, expect, it } from "vitest";
import { EverynodeError } from "../../shared/errors.js";
import { openStore } from "./index.js";
import type { ChangeEvent, Store } from "./store.js";
import { fakeClock, pod, tempDir } from "./test-support.js";

const summary = (e: ChangeEvent): string => `${e.revision} ${e.type} ${e.resource}/${e.object.metadata.name}`;

describe("store watches", () => {
  const clock = fakeClock();
  let store: Store;
  let cleanup = (): void => {};

  afterEach(() => {
    store.close();
    cleanup();
  });

  it("without a revision hears only what is committed afterwards, of its resource", () => {
    store = openStore({ path: ":memory:", clock });
    store.create("pods", pod("before"));
    const heard: string[] = [];
    store.watch("pods", undefined, (e) => heard.push(summary(e)));
    store.create("nodes", { metadata: { name: "n1" } });
    const p = store.create("pods", pod("after"));
    store.update("pods", structuredClone(p));
    store.delete("pods", "default", "after");
    expect(heard).toEqual(["3 ADDED pods/after", "4 MODIFIED pods/after", "5 DELETED pods/after"]);
  });

  it("gives MODIFIED and DELETED events the previous object", () => {
    store = openStore({ path: ":memory:", clock });
    const events: ChangeEvent[] = [];
    store.watch("pods", undefined, (e) => events.push(e));
    const created = store.create("pods", pod("a"));
    const updated = store.update("pods", { ...structuredClone(created), status: { phase: "Running" } });
    store.delete("pods", "default", "a");
    expect(events[0]?.previous).toBeUndefined();
    expect(events[1]?.previous).toBe(created);
    expect(events[1]?.object).toBe(updated);
    expect(events[2]?.previous).toBe(updated);
    expect(events[2]?.object.metadata.resourceVersion).toBe("3");
    expect(events[2]?.object.status).toEqual({ phase: "Running" });
  });

  it("replays every change of its resource after the given revision, then goes live", () => {
    store = openStore({ path: ":memory:", clock });
    store.create("pods", pod("a")); // 1
    store.create("nodes", { metadata: { name: "n1" } }); // 2
    store.create("pods", pod("b")); // 3
    store.delete("pods", "default", "a"); // 4
    const heard: string[] = [];
    store.watch("pods", 1, (e) => heard.push(summary(e)));
    expect(heard).toEqual(["3 ADDED pods/b", "4 DELETED pods/a"]);
    store.create("pods", pod("c"));
    expect(heard).toEqual(["3 ADDED pods/b", "4 DELETED pods/a", "5 ADDED pods/c"]);
  });

  it("from the current revision replays nothing; from 0 replays all of a fresh store", () => {
    store = openStore({ path: ":memory:", clock });
    store.create("pods", pod("a"));
    const fromNow: string[] = [];
    const fromZero: string[] = [];
    store.watch("pods", store.revision(), (e) => fromNow.push(summary(e)));
    store.watch("pods", 0, (e) => fromZero.push(summary(e)));
    expect(fromNow).toEqual([]);
    expect(fromZero).toEqual(["1 ADDED pods/a"]);
  });

  it("is Expired (410) when the history no longer reaches back to the revision", () => {
    store = openStore({ path: ":memory:", clock, historySize: 3 });
    for (const name of ["a", "b", "c", "d", "e"]) store.create("pods", pod(name));
    // Kept: revisions 3, 4, 5. Resuming after 2 works; after 1 would miss revision 2.
    const heard: number[] = [];
    store.watch("pods", 2, (e) => heard.push(e.revision));
    expect(heard).toEqual([3, 4, 5]);
    let error: unknown;
    try {
      store.watch("pods", 1, () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EverynodeError);
    expect((error as EverynodeError).code).toBe("Expired");
    expect((error as EverynodeError).httpStatus).toBe(410);
  });

  it("at rest forgets changes past the history's age: resuming from before them is Expired", async () => {
    const ownClock = fakeClock();
    store = openStore({ path: ":memory:", clock: ownClock });
    store.create("pods", pod("a"));
    store.create("pods", pod("b"));
    await ownClock.advance(60_000);
    expect(store.expireHistory()).toBe(0);
    expect(() => store.watch("pods", 0, () => {}).cancel()).not.toThrow();
    await ownClock.advance(20_000);
    expect(store.expireHistory()).toBe(2);
    expect(() => store.watch("pods", 0, () => {})).toThrow(expect.objectContaining({ code: "Expired" }));
    // The current revision is still fine: nothing after it was forgotten.
    const heard: number[] = [];
    store.watch("pods", 2, (e) => heard.push(e.revision));
    store.create("pods", pod("c"));
    expect(heard).toEqual([3]);
  });

  it("after a restart any earlier revision is Expired and the current one is fine", () => {
    const dir = tempDir();
    cleanup = dir.remove;
    const first = openStore({ path: dir.file(), clock });
    first.create("pods", pod("a"));
    first.create("pods", pod("b"));
    first.close();
    store = openStore({ path: dir.file(), clock });
    expect(() => store.watch("pods", 1, () => {})).toThrow(expect.objectContaining({ code: "Expired" }));
    expect(() => store.watch("pods", 0, () => {})).toThrow(expect.objectContaining({ code: "Expired" }));
    const heard: number[] = [];
    store.watch("pods", 2, (e) => heard.push(e.revision));
    store.create("pods", pod("c"));
    expect(heard).toEqual([3]);
  });

  it("calls watchers in revision order, then onChange once per transaction, after commit", () => {
    store = openStore({ path: ":memory:", clock });
    const calls: string[] = [];
    store.watch("pods", undefined, (e) => calls.push(`pods ${e.revision}`));
    store.watch("nodes", undefined, (e) => calls.push(`nodes ${e.revision}`));
    store.onChange((events) => calls.push(`batch ${events.map((e) => e.revision).join(",")}`));
    store.transaction((tx) => {
      tx.create("pods", pod("a"));
      tx.create("nodes", { metadata: { name: "n1" } });
      tx.create("pods", pod("b"));
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(["pods 1", "nodes 2", "pods 3", "batch 1,2,3"]);
  });

  it("a listener that throws does not stop the store or the other listeners", () => {
    store = openStore({ path: ":memory:", clock });
    const heard: number[] = [];
    store.watch("pods", undefined, () => {
      throw new Error("bad listener");
    });
    store.onChange(() => {
      throw new Error("bad batch listener");
    });
    store.watch("pods", undefined, (e) => heard.push(e.revision));
    expect(store.create("pods", pod("a")).metadata.name).toBe("a");
    store.create("pods", pod("b"));
    expect(heard).toEqual([1, 2]);
  });

  it("cancel and the onChange remover stop deliveries", () => {
    store = openStore({ path: ":memory:", clock });
    const heard: number[] = [];
    let batches = 0;
    const handle = store.watch("pods", undefined, (e) => heard.push(e.revision));
    const stop = store.onChange(() => batches++);
    store.create("pods", pod("a"));
    handle.cancel();
    stop();
    store.create("pods", pod("b"));
    expect(heard).toEqual([1]);
    expect(batches).toBe(1);
  });

  it("keeps revision order for everyone when a listener commits a write itself", () => {
    store = openStore({ path: ":memory:", clock });
    const order: string[] = [];
    store.watch("pods", undefined, (e) => {
      order.push(`first ${e.revision}`);
      if (e.object.metadata.name === "a") store.create("pods", pod("from-listener"));
    });
    store.watch("pods", undefined, (e) => order.push(`second ${e.revision}`));
    store.create("pods", pod("a"));
    expect(order).toEqual(["first 1", "second 1", "first 2", "second 2"]);
  });

  it("a watch started from a listener does not hear an event twice", () => {
    store = openStore({ path: ":memory:", clock });
    const late: number[] = [];
    store.watch("pods", undefined, (e) => {
      if (e.revision === 1) store.watch("pods", 0, (x) => late.push(x.revision));
    });
    store.transaction((tx) => {
      tx.create("pods", pod("a"));
      tx.create("pods", pod("b"));
    });
    expect(late).toEqual([1, 2]);
  });
});
