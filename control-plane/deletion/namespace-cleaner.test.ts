// A large namespace deleted in slices: the DELETE deletes its first objects, the cleaner the
// rest, a bounded number per transaction; and it resumes a deletion a restart interrupted.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubeObject, Namespace, Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import { EventRecorder } from "../events/event-recorder.js";
import { SliceScheduler } from "../slices.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { fakeClock, pod } from "../store/test-support.js";
import { Deleter } from "./deleter.js";
import { NamespaceCleaner } from "./namespace-cleaner.js";
import { INLINE_DELETES } from "./namespace-deletion.js";

const PODS = 1_000;
let store: Store;
let deleter: Deleter;
let slices: SliceScheduler;
let cleaner: NamespaceCleaner;
/** The pod writes of each commit. */
let commits: number[];
let clock: ReturnType<typeof fakeClock>;

function setup(existing?: Store): void {
  clock = fakeClock();
  store = existing ?? openStore({ path: ":memory:", clock });
  deleter = new Deleter({
    store,
    clock,
    events: new EventRecorder({ store, clock, ttlMs: 3_600_000 }),
    // Every node's agent reports its pods gone: a deleted pod stays Terminating until then.
    agents: { gracefulDeletion: () => true },
  });
  // Its clock stands still: every slice ends at its first check of the time (16 deletes).
  slices = new SliceScheduler(
    20,
    () => {},
    () => 0,
  );
  cleaner = new NamespaceCleaner({ store, deleter, slices, clock, logger: silentLogger });
  commits = [];
  store.onChange((events) => commits.push(events.filter((e) => e.resource === "pods").length));
}

function fill(name: string, extra: Record<string, unknown> = {}): Namespace {
  const ns = store.create<Namespace>("namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, ...extra },
  });
  store.transaction((tx) => {
    for (let i = 0; i < PODS; i++) tx.create("pods", pod(`web-${i}`, { node: `n${i}`, namespace: name }));
  });
  return ns;
}

const terminating = (ns: string): number =>
  store.list<Pod>("pods", ns).filter((p) => p.metadata.deletionTimestamp).length;
const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
};

beforeEach(() => setup());
afterEach(() => {
  cleaner.stop();
  slices.close();
  store.close();
});

describe("NamespaceCleaner", () => {
  it("deletes the rest of a large namespace in bounded slices; the namespace goes with its last pod", async () => {
    const ns = fill("team");
    cleaner.start();
    commits = [];
    const outcome = store.transaction((tx) => deleter.delete(tx, "namespaces", ns as KubeObject));
    expect(outcome.removed).toBe(false);
    // The DELETE itself deleted only its share, and marked the namespace Terminating.
    expect(terminating("team")).toBe(INLINE_DELETES);
    expect(store.get<Namespace>("namespaces", undefined, "team")?.status?.phase).toBe("Terminating");
    await until(() => !cleaner.busy);
    expect(terminating("team")).toBe(PODS);
    // After the DELETE's, no commit wrote more than one slice's pods (16).
    expect(Math.max(...commits.slice(1))).toBeLessThanOrEqual(16);
    expect(commits.length).toBeGreaterThan((PODS - INLINE_DELETES) / 16);
    // The agents report their pods gone: the namespace goes with the last.
    for (const p of store.list<Pod>("pods", "team")) store.transaction((tx) => deleter.podGone(tx, p));
    expect(store.get("namespaces", undefined, "team")).toBeUndefined();
  });

  it("resumes emptying a Terminating namespace when it starts (after a restart)", async () => {
    // As a crash would leave it: Terminating, its objects not yet deleted.
    fill("left", { deletionTimestamp: "2026-12-01T00:00:00Z" });
    expect(terminating("left")).toBe(0);
    cleaner.start();
    await until(() => !cleaner.busy);
    expect(terminating("left")).toBe(PODS);
  });

  it("walks a namespace again after its back-off when emptying it failed", async () => {
    fill("retry", { deletionTimestamp: "2026-12-01T00:00:00Z" });
    let failing = true;
    const flaky = {
      namespaceEmptying: (name: string) => {
        const step = deleter.namespaceEmptying(name);
        return (tx: Parameters<typeof step>[0], more: () => boolean) => {
          if (failing) throw new Error("disk full");
          return step(tx, more);
        };
      },
    };
    cleaner = new NamespaceCleaner({ store, deleter: flaky, slices, clock, logger: silentLogger });
    cleaner.start();
    await until(() => !cleaner.busy);
    expect(terminating("retry")).toBe(0);
    failing = false;
    // Not before its wait (1 s) is over.
    await clock.advance(900);
    expect(cleaner.busy).toBe(false);
    await clock.advance(100);
    await until(() => terminating("retry") === PODS);
  });

  it("leaves a small namespace to the DELETE, which removes it at once when nothing waits", () => {
    const ns = store.create<Namespace>("namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "small" },
    });
    store.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "small" },
    });
    cleaner.start();
    const outcome = store.transaction((tx) => deleter.delete(tx, "namespaces", ns as KubeObject));
    expect(outcome.removed).toBe(true);
    expect(store.get("namespaces", undefined, "small")).toBeUndefined();
    expect(cleaner.busy).toBe(false);
  });
});
