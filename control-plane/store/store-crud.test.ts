import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import { openStore } from "./index.js";
import type { Store } from "./store.js";
import { fakeClock, pod, tempDir } from "./test-support.js";

function caught(fn: () => unknown): EverynodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EverynodeError) return e;
    throw e;
  }
  throw new Error("expected an EverynodeError");
}

describe.each(["memory", "file"])("store CRUD (%s)", (kind) => {
  let store: Store;
  let cleanup = (): void => {};
  const clock = fakeClock(Date.UTC(2026, 2, 4, 5, 6, 7, 890));

  function open(random?: () => number): Store {
    if (kind === "memory") return openStore({ path: ":memory:", clock, random });
    const dir = tempDir();
    cleanup = dir.remove;
    return openStore({ path: dir.file(), clock, random });
  }

  afterEach(() => {
    store.close();
    cleanup();
  });

  it("create fills uid, creationTimestamp and resourceVersion and returns the stored object", () => {
    store = open();
    const created = store.create("pods", pod("web-1"));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toBe("2026-03-04T05:06:07Z");
    expect(created.metadata.resourceVersion).toBe("1");
    expect(store.get("pods", "default", "web-1")).toBe(created);
    expect(store.revision()).toBe(1);
  });

  it("create keeps a uid and creationTimestamp the caller set", () => {
    store = open();
    const input = pod("web-1");
    input.metadata.uid = "given-uid";
    input.metadata.creationTimestamp = "2020-01-01T00:00:00Z";
    const created = store.create("pods", input);
    expect(created.metadata.uid).toBe("given-uid");
    expect(created.metadata.creationTimestamp).toBe("2020-01-01T00:00:00Z");
  });

  it("does not keep the caller's object: later changes to the input do not reach the store", () => {
    store = open();
    const input = pod("web-1");
    store.create("pods", input);
    input.metadata.labels = { app: "changed" };
    expect(input.metadata.resourceVersion).toBeUndefined();
    expect(store.get("pods", "default", "web-1")?.metadata.labels).toEqual({ app: "web" });
  });

  it("returns deeply frozen objects that throw on mutation", () => {
    store = open();
    const created = store.create("pods", pod("web-1"));
    const listed = store.list<Pod>("pods")[0] as Pod;
    expect(listed).toBe(created);
    expect(() => {
      (listed.spec.containers[0] as { image: string }).image = "other";
    }).toThrow(TypeError);
    expect(() => {
      listed.metadata.labels = {};
    }).toThrow(TypeError);
  });

  it("create of a taken name is a 409 AlreadyExists with a Kubernetes Status", () => {
    store = open();
    store.create("pods", pod("web-1"));
    const e = caught(() => store.create("pods", pod("web-1")));
    expect(e.code).toBe("AlreadyExists");
    expect(e.toStatus()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'pods "web-1" already exists',
      reason: "AlreadyExists",
      code: 409,
      details: { name: "web-1", group: "", kind: "pods" },
    });
    expect(store.revision()).toBe(1);
  });

  it("names the group of apps resources in errors", () => {
    store = open();
    const e = caught(() => store.delete("daemonsets", "default", "missing"));
    expect(e.httpStatus).toBe(404);
    expect(e.message).toBe('daemonsets.apps "missing" not found');
    expect(e.details).toEqual({ name: "missing", group: "apps", kind: "daemonsets" });
  });

  it("the same name may exist in two namespaces", () => {
    store = open();
    store.create("pods", pod("web-1", { namespace: "a" }));
    store.create("pods", pod("web-1", { namespace: "b" }));
    expect(store.list("pods").map((p) => p.metadata.namespace)).toEqual(["a", "b"]);
    expect(store.get("pods", "a", "web-1")?.metadata.namespace).toBe("a");
  });

  it("a namespaced object without a namespace is a 422", () => {
    store = open();
    const input = pod("web-1");
    delete input.metadata.namespace;
    const e = caught(() => store.create("pods", input));
    expect(e.code).toBe("Invalid");
    expect(e.httpStatus).toBe(422);
  });

  it("an object with neither name nor generateName is a 422", () => {
    store = open();
    const e = caught(() => store.create("nodes", { metadata: {} }));
    expect(e.code).toBe("Invalid");
    expect(e.message).toContain("metadata.name: Required value: name or generateName is required");
  });

  it("cluster-scoped objects drop a namespace and are found with or without one", () => {
    store = open();
    const node = store.create("nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1", namespace: "x" },
    });
    expect(node.metadata.namespace).toBeUndefined();
    expect(store.get("nodes", undefined, "n1")).toBe(node);
    expect(store.get("nodes", "x", "n1")).toBe(node);
    expect(store.list("nodes", "x")).toEqual([node]);
  });

  it("generateName appends five characters from Kubernetes' alphabet", () => {
    store = open();
    const input: Pod = { ...pod(""), metadata: { generateName: "web-", namespace: "default" } };
    const created = store.create("pods", input);
    expect(created.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(store.get("pods", "default", created.metadata.name ?? "")).toBe(created);
  });

  it("generateName tries again when the generated name is taken", () => {
    // The first two draws give the same suffix; the third differs.
    const draws = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5];
    store = open(() => draws.shift() ?? 0.9);
    const input: KubeObject = { metadata: { generateName: "web-", namespace: "default" } };
    expect(store.create("pods", input).metadata.name).toBe("web-bbbbb");
    expect(store.create("pods", input).metadata.name).toBe("web-rrrrr");
  });

  it("update replaces the object, keeps uid and creationTimestamp, and bumps the revision", () => {
    store = open();
    const created = store.create("pods", pod("web-1"));
    const next = structuredClone(created);
    next.metadata.uid = "forged";
    next.metadata.creationTimestamp = "1999-01-01T00:00:00Z";
    next.metadata.labels = { app: "new" };
    const updated = store.update("pods", next);
    expect(updated.metadata).toMatchObject({
      uid: created.metadata.uid,
      creationTimestamp: created.metadata.creationTimestamp,
      resourceVersion: "2",
      labels: { app: "new" },
    });
    expect(store.get("pods", "default", "web-1")).toBe(updated);
  });

  it("update with a stale resourceVersion is a 409 Conflict and changes nothing", () => {
    store = open();
    const created = store.create("pods", pod("web-1"));
    store.update("pods", structuredClone(created));
    const e = caught(() => store.update("pods", structuredClone(created)));
    expect(e.code).toBe("Conflict");
    expect(e.toStatus()).toMatchObject({ code: 409, reason: "Conflict" });
    expect(e.message).toContain('Operation cannot be fulfilled on pods "web-1"');
    expect(store.revision()).toBe(2);
  });

  it("expectedResourceVersion wins over the object's own resourceVersion", () => {
    store = open();
    const created = store.create("pods", pod("web-1"));
    const stale = { ...structuredClone(created), metadata: { ...created.metadata, resourceVersion: "999" } };
    expect(store.update("pods", stale, { expectedResourceVersion: "1" }).metadata.resourceVersion).toBe("2");
    expect(caught(() => store.update("pods", pod("web-1"), { expectedResourceVersion: "1" })).code).toBe(
      "Conflict",
    );
  });

  it("update without a resourceVersion is unconditional", () => {
    store = open();
    store.create("pods", pod("web-1"));
    store.update("pods", pod("web-1"));
    expect(store.update("pods", pod("web-1")).metadata.resourceVersion).toBe("3");
  });

  it("update of a missing object is a 404", () => {
    store = open();
    const e = caught(() => store.update("pods", pod("ghost")));
    expect(e.code).toBe("NotFound");
    expect(e.toStatus()).toMatchObject({ code: 404, message: 'pods "ghost" not found' });
  });

  it("delete removes the object and returns it with the deleting revision", () => {
    store = open();
    const created = store.create("pods", pod("web-1"));
    const deleted = store.delete("pods", "default", "web-1");
    expect(deleted.metadata.uid).toBe(created.metadata.uid);
    expect(deleted.metadata.resourceVersion).toBe("2");
    expect(Object.isFrozen(deleted.metadata)).toBe(true);
    expect(store.get("pods", "default", "web-1")).toBeUndefined();
    expect(store.list("pods")).toEqual([]);
    expect(store.revision()).toBe(2);
    expect(caught(() => store.delete("pods", "default", "web-1")).code).toBe("NotFound");
  });

  it("delete honours expectedUid and expectedResourceVersion", () => {
    store = open();
    const created = store.create("pods", pod("web-1"));
    expect(caught(() => store.delete("pods", "default", "web-1", { expectedUid: "other" })).code).toBe(
      "Conflict",
    );
    expect(
      caught(() => store.delete("pods", "default", "web-1", { expectedResourceVersion: "7" })).code,
    ).toBe("Conflict");
    expect(store.get("pods", "default", "web-1")).toBe(created);
    store.delete("pods", "default", "web-1", {
      expectedUid: created.metadata.uid,
      expectedResourceVersion: "1",
    });
    expect(store.get("pods", "default", "web-1")).toBeUndefined();
  });

  it("lists by namespace then name, whole or one namespace", () => {
    store = open();
    for (const [ns, name] of [
      ["kube-system", "b"],
      ["default", "z"],
      ["default", "a"],
      ["kube", "m"],
      ["kube-system", "a"],
    ] as const) {
      store.create("pods", pod(name, { namespace: ns }));
    }
    const ids = (list: KubeObject[]): string[] =>
      list.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(ids(store.list("pods"))).toEqual([
      "default/a",
      "default/z",
      "kube/m",
      "kube-system/a",
      "kube-system/b",
    ]);
    expect(ids(store.list("pods", "kube-system"))).toEqual(["kube-system/a", "kube-system/b"]);
    expect(ids(store.list("pods", "kube"))).toEqual(["kube/m"]);
    expect(store.list("pods", "nowhere")).toEqual([]);
    store.delete("pods", "default", "z");
    store.create("pods", pod("c", { namespace: "kube" }));
    expect(ids(store.list("pods"))).toEqual([
      "default/a",
      "kube/c",
      "kube/m",
      "kube-system/a",
      "kube-system/b",
    ]);
  });

  it("a returned list is the caller's own array", () => {
    store = open();
    store.create("pods", pod("a"));
    const first = store.list("pods");
    first.pop();
    expect(store.list("pods")).toHaveLength(1);
  });

  it("every use after close throws", () => {
    store = open();
    store.close();
    expect(() => store.get("pods", "default", "a")).toThrow(/closed/);
    expect(() => store.create("pods", pod("a"))).toThrow(/closed/);
    expect(() => store.getSetting("x")).toThrow(/closed/);
  });
});
