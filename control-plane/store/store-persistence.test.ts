import { afterAll, afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { openStore } from "./index.js";
import { statSync } from "node:fs";
import { configureConnection, MIGRATIONS, WAL_SIZE_LIMIT_BYTES } from "./migrations.js";
import type { Credential, Store } from "./store.js";
import { fakeClock, pod, tempDir } from "./test-support.js";

describe("store persistence across reopen", () => {
  const clock = fakeClock();
  const dir = tempDir();
  let store: Store | undefined;

  afterEach(() => {
    store?.close();
    store = undefined;
  });
  afterAll(() => dir.remove());

  const reopen = (file: string): Store => {
    store?.close();
    store = openStore({ path: file, clock });
    return store;
  };

  it("keeps objects, their revisions and the global revision, deletions included", () => {
    const file = dir.file("objects.db");
    const s = reopen(file);
    const a = s.create("pods", pod("a", { node: "n1", owner: "ds-1" }));
    s.create("pods", pod("b"));
    s.delete("pods", "default", "b");
    s.create("daemonsets", {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "web", namespace: "default" },
    });
    expect(s.revision()).toBe(4);

    const again = reopen(file);
    expect(again.revision()).toBe(4);
    expect(again.get("pods", "default", "a")).toEqual(a);
    expect(again.get("pods", "default", "b")).toBeUndefined();
    expect(again.list("daemonsets")[0]?.metadata.resourceVersion).toBe("4");
    expect(again.listPodsOnNode("n1").map((p) => p.metadata.name)).toEqual(["a"]);
    expect(again.listPodsOwnedBy("ds-1").map((p) => p.metadata.name)).toEqual(["a"]);
    expect(Object.isFrozen(again.get("pods", "default", "a")?.metadata)).toBe(true);
    expect(again.create("pods", pod("c")).metadata.resourceVersion).toBe("5");
  });

  it("keeps the revision of a deletion even when it was the last write", () => {
    const file = dir.file("deleted.db");
    const s = reopen(file);
    s.create("pods", pod("a"));
    s.delete("pods", "default", "a");
    expect(reopen(file).revision()).toBe(2);
  });

  it("keeps settings apart from the revision", () => {
    const file = dir.file("settings.db");
    const s = reopen(file);
    expect(s.getSetting("cluster-uid")).toBeUndefined();
    s.putSetting("cluster-uid", "1234");
    s.putSetting("revision", "not the store's revision");
    s.putSetting("cluster-uid", "5678");
    const again = reopen(file);
    expect(again.getSetting("cluster-uid")).toBe("5678");
    expect(again.getSetting("revision")).toBe("not the store's revision");
    expect(again.revision()).toBe(0);
  });

  it("keeps credentials, stores only the hash, and deletes a node's credentials together", () => {
    const file = dir.file("credentials.db");
    const s = reopen(file);
    const admin: Credential = { id: "adm01", kind: "admin", secretHash: "aa".repeat(32), createdAt: 1000 };
    const join: Credential = {
      id: "join1",
      kind: "join",
      secretHash: "bb".repeat(32),
      description: "for the rack",
      expiresAt: 99_000,
      createdAt: 2000,
    };
    const node1: Credential = {
      id: "nd001",
      kind: "node",
      secretHash: "cc".repeat(32),
      nodeName: "n1",
      createdAt: 3000,
    };
    const node1b: Credential = { ...node1, id: "nd002", createdAt: 4000 };
    const node2: Credential = { ...node1, id: "nd003", nodeName: "n2", createdAt: 5000 };
    for (const c of [admin, join, node1, node1b, node2]) s.putCredential(c);

    const again = reopen(file);
    expect(again.getCredential("adm01")).toEqual(admin);
    expect(again.getCredential("join1")).toEqual(join);
    expect(again.getCredential("missing")).toBeUndefined();
    expect(again.listCredentials().map((c) => c.id)).toEqual(["adm01", "join1", "nd001", "nd002", "nd003"]);
    expect(again.listCredentials("node").map((c) => c.id)).toEqual(["nd001", "nd002", "nd003"]);

    again.putCredential({ ...join, description: "renamed" });
    expect(again.getCredential("join1")?.description).toBe("renamed");
    expect(again.deleteNodeCredentials("n1")).toBe(2);
    expect(again.deleteNodeCredentials("n1")).toBe(0);
    expect(again.deleteCredential("adm01")).toBe(true);
    expect(again.deleteCredential("adm01")).toBe(false);

    const third = reopen(file);
    expect(third.listCredentials().map((c) => c.id)).toEqual(["join1", "nd003"]);
  });

  it("answers credential lookups as the table would: after writes, deletes, a node's deletion and a rolled-back transaction", () => {
    const s = reopen(dir.file("credential-memory.db"));
    const node: Credential = {
      id: "nd001",
      kind: "node",
      secretHash: "cc".repeat(32),
      nodeName: "n1",
      createdAt: 1,
    };
    s.putCredential(node);
    expect(s.getCredential("nd001")).toEqual(node);
    s.putCredential({ ...node, secretHash: "dd".repeat(32) });
    expect(s.getCredential("nd001")?.secretHash).toBe("dd".repeat(32));
    // What a caller does to the credential it got changes nothing for the next lookup.
    const got = s.getCredential("nd001") as Credential;
    got.secretHash = "changed";
    expect(s.getCredential("nd001")?.secretHash).toBe("dd".repeat(32));
    // Written and read in a transaction that is rolled back: neither is what a lookup gives after.
    const rolledBack = (): void =>
      s.transaction(() => {
        s.putCredential({ ...node, id: "nd009" });
        s.putCredential({ ...node, secretHash: "ee".repeat(32) });
        expect(s.getCredential("nd009")).toBeDefined();
        expect(s.getCredential("nd001")?.secretHash).toBe("ee".repeat(32));
        throw new Error("rolled back");
      });
    expect(rolledBack).toThrow("rolled back");
    expect(s.getCredential("nd009")).toBeUndefined();
    expect(s.getCredential("nd001")?.secretHash).toBe("dd".repeat(32));
    // A node's credentials go, remembered or not; another node's and a rolled-back delete's stay.
    const other: Credential = { ...node, id: "nd002", nodeName: "n2" };
    s.putCredential(other);
    expect(s.getCredential("nd002")).toEqual(other);
    expect(() =>
      s.transaction(() => {
        expect(s.deleteNodeCredentials("n1")).toBe(1);
        throw new Error("rolled back");
      }),
    ).toThrow("rolled back");
    expect(s.getCredential("nd001")?.secretHash).toBe("dd".repeat(32));
    expect(s.deleteNodeCredentials("n1")).toBe(1);
    expect(s.getCredential("nd001")).toBeUndefined();
    expect(s.getCredential("nd002")).toEqual(other);
    s.putCredential(node);
    expect(s.getCredential("nd001")).toEqual(node);
    expect(s.deleteCredential("nd001")).toBe(true);
    expect(s.getCredential("nd001")).toBeUndefined();
  });

  it("cuts the WAL file back to its limit once a checkpoint has copied a burst larger than that", () => {
    const file = dir.file("wal-limit.db");
    const db = new Database(file);
    try {
      configureConnection(db);
      db.pragma("wal_autocheckpoint = 0");
      db.exec("CREATE TABLE burst (k INTEGER PRIMARY KEY, v BLOB)");
      const put = db.prepare("INSERT OR REPLACE INTO burst VALUES (?, ?)");
      const blob = Buffer.alloc(64 * 1024, 1);
      // A burst of about 1.5 times the limit, with no checkpoint in between.
      const rows = Math.ceil((1.5 * WAL_SIZE_LIMIT_BYTES) / blob.length);
      db.transaction(() => {
        for (let k = 0; k < rows; k++) put.run(k, blob);
      })();
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
      db.pragma("wal_checkpoint(PASSIVE)");
      // The next write starts the WAL over and cuts the file back.
      put.run(0, blob);
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    } finally {
      db.close();
    }
  });

  it("writes the schema version and WAL mode into the file", () => {
    const file = dir.file("schema.db");
    reopen(file).create("pods", pod("a"));
    store?.close();
    store = undefined;
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const row = db.prepare("SELECT resource, namespace, name, revision FROM objects").get();
      expect(row).toEqual({ resource: "pods", namespace: "default", name: "a", revision: 1 });
    } finally {
      db.close();
    }
  });

  it("refuses a file from a newer everynode", () => {
    const file = dir.file("newer.db");
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => reopen(file)).toThrow(expect.objectContaining({ code: "InternalError" }));
    store = undefined;
  });

  it("a :memory: store starts empty every time", () => {
    const s = reopen(":memory:");
    s.create("pods", pod("a"));
    expect(reopen(":memory:").list("pods")).toEqual([]);
  });
});
