import { describe, expect, it } from "vitest";
import type { ObjectMeta } from "../../shared/api-types.js";
import { finalizerErrors } from "./finalizers.js";

const meta = (finalizers: unknown, extra: Partial<ObjectMeta> = {}): ObjectMeta =>
  ({ name: "x", finalizers, ...extra }) as ObjectMeta;

describe("finalizerErrors", () => {
  it.each<[string, unknown]>([
    ["none", undefined],
    ["a qualified one", ["example.com/cleanup"]],
    ["the standard ones", ["orphan"]],
    ["foregroundDeletion", ["foregroundDeletion", "example.com/x"]],
  ])("accepts %s", (_name, finalizers) => {
    expect(finalizerErrors(meta(finalizers))).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ["one without a domain", ["cleanup"], "metadata.finalizers[0]"],
    ["one that is no qualified name", ["example.com/no way"], "metadata.finalizers[0]"],
    ["a non-string", [3], "metadata.finalizers[0]"],
    ["a non-list", "orphan", "metadata.finalizers"],
    ["orphan with foregroundDeletion", ["orphan", "foregroundDeletion"], "metadata.finalizers"],
  ])("refuses %s", (_name, finalizers, field) => {
    expect(finalizerErrors(meta(finalizers)).map((e) => e.field)).toContain(field);
  });

  it("refuses a new finalizer on an object being deleted, not the ones it had or fewer", () => {
    const old = meta(["example.com/a"], { deletionTimestamp: "2026-12-01T12:00:00Z" });
    expect(finalizerErrors(meta(["example.com/a", "example.com/b"]), old)).toHaveLength(1);
    expect(finalizerErrors(meta(["example.com/a"]), old)).toEqual([]);
    expect(finalizerErrors(meta([]), old)).toEqual([]);
    expect(finalizerErrors(meta(["example.com/b"]), meta(["example.com/a"]))).toEqual([]);
  });
});
