import { afterEach, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { openStore } from "./index.js";
import type { Store } from "./store.js";
import { fakeClock, pod } from "./test-support.js";

const names = (pods: Pod[]): string[] => pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);

describe("store pod indexes", () => {
  let store: Store;
  afterEach(() => store.close());

  it("lists the pods bound to a node and those owned by a controller", () => {
    store = openStore({ path: ":memory:", clock: fakeClock() });
    store.create("pods", pod("b", { node: "n1", owner: "ds-1" }));
    store.create("pods", pod("a", { node: "n1", owner: "ds-2" }));
    store.create("pods", pod("c", { node: "n2", owner: "ds-1", namespace: "apps" }));
    store.create("pods", pod("unbound", { owner: "ds-1" }));
    expect(names(store.listPodsOnNode("n1"))).toEqual(["default/a", "default/b"]);
    expect(names(store.listPodsOnNode("n2"))).toEqual(["apps/c"]);
    expect(names(store.listPodsOwnedBy("ds-1"))).toEqual(["apps/c", "default/b", "default/unbound"]);
    expect(store.listPodsOnNode("n3")).toEqual([]);
    expect(store.listPodsOwnedBy("nobody")).toEqual([]);
  });

  it("returns the stored objects themselves", () => {
    store = openStore({ path: ":memory:", clock: fakeClock() });
    const created = store.create("pods", pod("a", { node: "n1", owner: "ds-1" }));
    expect(store.listPodsOnNode("n1")[0]).toBe(created);
    expect(store.listPodsOwnedBy("ds-1")[0]).toBe(created);
  });

  it("ignores owner references that are not the controller", () => {
    store = openStore({ path: ":memory:", clock: fakeClock() });
    const p = pod("a");
    p.metadata.ownerReferences = [
      { apiVersion: "v1", kind: "Node", name: "n1", uid: "not-controller" },
      { apiVersion: "apps/v1", kind: "DaemonSet", name: "web", uid: "ds-1", controller: true },
    ];
    store.create("pods", p);
    expect(store.listPodsOwnedBy("not-controller")).toEqual([]);
    expect(names(store.listPodsOwnedBy("ds-1"))).toEqual(["default/a"]);
  });

  it("follows an update that rebinds a pod to another node and owner", () => {
    store = openStore({ path: ":memory:", clock: fakeClock() });
    const created = store.create("pods", pod("a", { node: "n1", owner: "ds-1" }));
    const moved = structuredClone(created);
    moved.spec.nodeName = "n2";
    moved.metadata.ownerReferences = [
      { apiVersion: "apps/v1", kind: "DaemonSet", name: "x", uid: "ds-2", controller: true },
    ];
    const updated = store.update("pods", moved);
    expect(store.listPodsOnNode("n1")).toEqual([]);
    expect(store.listPodsOnNode("n2")).toEqual([updated]);
    expect(store.listPodsOwnedBy("ds-1")).toEqual([]);
    expect(store.listPodsOwnedBy("ds-2")).toEqual([updated]);

    const unbound = structuredClone(updated);
    delete unbound.spec.nodeName;
    delete unbound.metadata.ownerReferences;
    store.update("pods", unbound);
    expect(store.listPodsOnNode("n2")).toEqual([]);
    expect(store.listPodsOwnedBy("ds-2")).toEqual([]);
  });

  it("a status-only update keeps the pod in its index with the new object", () => {
    store = openStore({ path: ":memory:", clock: fakeClock() });
    const created = store.create("pods", pod("a", { node: "n1", owner: "ds-1" }));
    const updated = store.update("pods", { ...structuredClone(created), status: { phase: "Running" } });
    expect(store.listPodsOnNode("n1")).toEqual([updated]);
    expect(store.listPodsOwnedBy("ds-1")[0]?.status?.phase).toBe("Running");
  });

  it("drops a deleted pod from both indexes", () => {
    store = openStore({ path: ":memory:", clock: fakeClock() });
    store.create("pods", pod("a", { node: "n1", owner: "ds-1" }));
    store.create("pods", pod("b", { node: "n1", owner: "ds-1" }));
    store.delete("pods", "default", "a");
    expect(names(store.listPodsOnNode("n1"))).toEqual(["default/b"]);
    expect(names(store.listPodsOwnedBy("ds-1"))).toEqual(["default/b"]);
  });

  it("leaves the indexes untouched by a transaction that throws", () => {
    store = openStore({ path: ":memory:", clock: fakeClock() });
    const kept = store.create("pods", pod("a", { node: "n1", owner: "ds-1" }));
    expect(() =>
      store.transaction((tx) => {
        tx.delete("pods", "default", "a");
        tx.create("pods", pod("b", { node: "n1", owner: "ds-1" }));
        throw new Error("abort");
      }),
    ).toThrow("abort");
    expect(store.listPodsOnNode("n1")).toEqual([kept]);
    expect(store.listPodsOwnedBy("ds-1")).toEqual([kept]);
  });

  it("keeps lists, and each owner's pods, sorted through many creates, updates and deletes", () => {
    store = openStore({ path: ":memory:", clock: fakeClock() });
    const expected = new Set<string>();
    const owners = new Map<string, string>();
    // A fixed pseudo-random walk: enough single writes to pass the splice limit both ways.
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 400; i++) {
      const name = `p${Math.floor(next() * 120)}`;
      const ns = next() < 0.5 ? "a" : "b";
      const key = `${ns}/${name}`;
      if (expected.has(key) && next() < 0.5) {
        store.delete("pods", ns, name);
        expected.delete(key);
        owners.delete(key);
      } else if (expected.has(key)) {
        // Mostly a write that keeps the owner (a status), sometimes one that moves the pod to another.
        const owner = next() < 0.8 ? (owners.get(key) as string) : next() < 0.5 ? "ds-1" : "ds-2";
        store.update("pods", pod(name, { namespace: ns, node: "n1", owner }));
        owners.set(key, owner);
      } else {
        const owner = next() < 0.5 ? "ds-1" : "ds-2";
        store.create("pods", pod(name, { namespace: ns, owner }));
        expected.add(key);
        owners.set(key, owner);
      }
      // Lists often at first (the sorted array is patched), rarely later (it is rebuilt).
      if (i < 200 ? i % 37 === 0 : i % 90 === 0) {
        store.list("pods");
        store.listPodsOwnedBy("ds-1");
      }
    }
    const sorted = [...expected].sort((x, y) => {
      const [xn, xm] = x.split("/") as [string, string];
      const [yn, ym] = y.split("/") as [string, string];
      return xn === yn ? (xm < ym ? -1 : 1) : xn < yn ? -1 : 1;
    });
    expect(names(store.list("pods"))).toEqual(sorted);
    expect(names(store.list("pods", "b"))).toEqual(sorted.filter((k) => k.startsWith("b/")));
    for (const owner of ["ds-1", "ds-2"])
      expect(names(store.listPodsOwnedBy(owner))).toEqual(sorted.filter((k) => owners.get(k) === owner));
  });
});
