import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { openStore } from "./index.js";
import { decryptRow, encryptRow, keyIdOf, type KeyRing } from "./secret-encryption.js";
import type { Store } from "./store.js";
import { fakeClock, tempDir } from "./test-support.js";

const key = (id: string) => ({ id, secret: randomBytes(32) });
const PLAIN = "hunter2-the-plaintext-password";
const secret = (name: string, value = PLAIN) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: "default" },
  type: "Opaque",
  // A Secret's data is base64; a user's plain text may sit in an annotation too (kubectl apply).
  data: { password: Buffer.from(value).toString("base64") },
  metadata_note: value,
});

/** Every file of the database (main, WAL, shared memory) as one buffer. */
function databaseBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(path.join(dir, f))));
}

describe("a row's encryption", () => {
  const ring: KeyRing = { keys: [key("k2"), key("k1")] };

  it("round-trips, names its key, and differs on each write", () => {
    const a = encryptRow(ring, "{}");
    expect(keyIdOf(a)).toBe("k2");
    expect(decryptRow(ring, a)).toBe("{}");
    expect(encryptRow(ring, "{}")).not.toBe(a);
  });

  it("refuses an altered row and a row whose key is gone", () => {
    const a = encryptRow(ring, '{"a":1}');
    const altered = a.slice(0, -6) + (a.endsWith("A") ? "B" : "A") + a.slice(-5);
    expect(() => decryptRow(ring, altered)).toThrow();
    // The key id is authenticated: naming another key of the ring does not pass.
    expect(() => decryptRow(ring, a.replace(":k2:", ":k1:"))).toThrow();
    expect(() => decryptRow({ keys: [key("k9")] }, a)).toThrow(/key "k2"/);
  });
});

describe("Secrets at rest", () => {
  const clock = fakeClock();
  const dir = tempDir();
  let store: Store | undefined;
  afterEach(() => {
    store?.close();
    store = undefined;
  });
  afterAll(() => dir.remove());

  it("never reach the database file or its WAL in plain text; other kinds do", () => {
    const ring: KeyRing = { keys: [key("k1")] };
    store = openStore({ path: dir.file(), clock, encryption: ring });
    store.create("secrets", secret("db-password"));
    store.create("configmaps", {
      metadata: { name: "settings", namespace: "default" },
      data: { mode: "visible-configmap-value" },
    });
    const bytes = databaseBytes(dir.dir);
    expect(bytes.includes("visible-configmap-value")).toBe(true);
    expect(bytes.includes(PLAIN)).toBe(false);
    expect(bytes.includes(Buffer.from(PLAIN).toString("base64"))).toBe(false);
    expect(bytes.includes("db-password")).toBe(true); // the row's key columns stay readable
    // Reads give the plain object back, before and after a reopen.
    expect(store.get("secrets", "default", "db-password")?.["metadata_note"]).toBe(PLAIN);
    store.close();
    store = openStore({ path: dir.file(), clock, encryption: ring });
    expect(store.get("secrets", "default", "db-password")?.["metadata_note"]).toBe(PLAIN);
  });

  it("are written again with the new key when a key is put first (rotation)", () => {
    const file = dir.file("rotate.db");
    const old = key("old");
    store = openStore({ path: file, clock, encryption: { keys: [old] } });
    store.create("secrets", secret("s1"));
    store.close();
    store = openStore({ path: file, clock, encryption: { keys: [key("new"), old] } });
    expect(store.get("secrets", "default", "s1")?.["metadata_note"]).toBe(PLAIN);
    store.close();
    store = undefined;
    const db = new Database(file, { readonly: true });
    const rows = db.prepare("SELECT data FROM objects WHERE resource = 'secrets'").all() as {
      data: string;
    }[];
    db.close();
    expect(rows.map((r) => keyIdOf(r.data))).toEqual(["new"]);
  });

  it("refuses to open when a Secret's key is gone from the ring", () => {
    const file = dir.file("lost.db");
    store = openStore({ path: file, clock, encryption: { keys: [key("a")] } });
    store.create("secrets", secret("s1"));
    store.close();
    store = undefined;
    expect(() => openStore({ path: file, clock, encryption: { keys: [key("b")] } })).toThrow(/key "a"/);
  });
});
