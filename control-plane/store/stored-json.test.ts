import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { openStore } from "./index.js";
import { jsonOf, storedSize } from "./stored-json.js";
import { fakeClock, pod } from "./test-support.js";

describe("the JSON kept with stored objects", () => {
  it("is the object's JSON, unseen by JSON, copies and equality; a changed copy never carries the old text", () => {
    const store = openStore({ path: ":memory:", clock: fakeClock() });
    const created = store.create("pods", pod("a", { node: "n1" }));
    expect(jsonOf(created)).toBe(JSON.stringify(created));
    expect(storedSize(created)).toBe(JSON.stringify(created).length);
    expect(Object.keys(created)).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(structuredClone(created)).toEqual(created);

    const changed = { ...created, status: { phase: "Running" } } as Pod;
    expect(jsonOf(changed)).toBe(JSON.stringify(changed));
    const updated = store.update("pods", changed);
    expect(JSON.parse(jsonOf(updated))).toMatchObject({ status: { phase: "Running" } });
    expect(jsonOf(updated)).toBe(JSON.stringify(updated));

    const ns = store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } });
    expect(storedSize(ns)).toBe(JSON.stringify(ns).length);
    store.close();
  });

  it("is made once for an object read back from the database", () => {
    const frozen = Object.freeze({ kind: "Pod", metadata: Object.freeze({ name: "b" }) });
    expect(storedSize(frozen)).toBeUndefined();
    expect(jsonOf(frozen)).toBe('{"kind":"Pod","metadata":{"name":"b"}}');
    expect(storedSize(frozen)).toBe(jsonOf(frozen).length);
  });
});
