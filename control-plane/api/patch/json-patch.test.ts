import { describe, expect, it } from "vitest";
import { EverynodeError } from "../../../shared/errors.js";
import { applyJsonPatch } from "./json-patch.js";

const node = () => ({
  metadata: { name: "node01", labels: { "kubernetes.io/hostname": "node01", "a/b": "x", "m~n": "y" } },
  spec: { taints: [{ key: "a", effect: "NoSchedule" }] },
});

describe("applyJsonPatch: operations that apply", () => {
  it.each([
    [
      "client-node label add",
      [{ op: "add", path: "/metadata/labels/disk", value: "ssd" }],
      (n: ReturnType<typeof node>) => ({
        ...n,
        metadata: { ...n.metadata, labels: { ...n.metadata.labels, disk: "ssd" } },
      }),
    ],
    [
      "replace spec.unschedulable after adding it",
      [
        { op: "add", path: "/spec/unschedulable", value: false },
        { op: "replace", path: "/spec/unschedulable", value: true },
      ],
      (n: ReturnType<typeof node>) => ({ ...n, spec: { ...n.spec, unschedulable: true } }),
    ],
    [
      "append a taint with -",
      [{ op: "add", path: "/spec/taints/-", value: { key: "b", effect: "NoExecute" } }],
      (n: ReturnType<typeof node>) => ({
        ...n,
        spec: { taints: [...n.spec.taints, { key: "b", effect: "NoExecute" }] },
      }),
    ],
    [
      "insert at index 0",
      [{ op: "add", path: "/spec/taints/0", value: { key: "z", effect: "NoSchedule" } }],
      (n: ReturnType<typeof node>) => ({
        ...n,
        spec: { taints: [{ key: "z", effect: "NoSchedule" }, ...n.spec.taints] },
      }),
    ],
    [
      "remove a taint by index",
      [{ op: "remove", path: "/spec/taints/0" }],
      (n: ReturnType<typeof node>) => ({ ...n, spec: { taints: [] } }),
    ],
    [
      "~1 and ~0 escapes",
      [
        { op: "remove", path: "/metadata/labels/a~1b" },
        { op: "replace", path: "/metadata/labels/m~0n", value: "z" },
      ],
      (n: ReturnType<typeof node>) => ({
        ...n,
        metadata: { ...n.metadata, labels: { "kubernetes.io/hostname": "node01", "m~n": "z" } },
      }),
    ],
    [
      "move and copy",
      [
        { op: "copy", from: "/metadata/name", path: "/metadata/labels/copied" },
        { op: "move", from: "/spec/taints", path: "/spec/oldTaints" },
      ],
      (n: ReturnType<typeof node>) => ({
        metadata: { ...n.metadata, labels: { ...n.metadata.labels, copied: "node01" } },
        spec: { oldTaints: n.spec.taints },
      }),
    ],
    [
      "test that passes, then remove",
      [
        { op: "test", path: "/spec/taints/0", value: { effect: "NoSchedule", key: "a" } },
        { op: "remove", path: "/spec/taints" },
      ],
      (n: ReturnType<typeof node>) => ({ ...n, spec: {} }),
    ],
    ["replace the whole document", [{ op: "replace", path: "", value: { a: 1 } }], () => ({ a: 1 })],
  ])("%s", (_name, ops, expected) => {
    expect(applyJsonPatch(node(), ops)).toEqual(expected(node()));
  });

  it("does not change the input", () => {
    const input = node();
    applyJsonPatch(input, [
      { op: "add", path: "/metadata/labels/disk", value: "ssd" },
      { op: "remove", path: "/spec/taints/0" },
    ]);
    expect(input).toEqual(node());
  });

  it("replace keeps the key's position", () => {
    const result = applyJsonPatch({ a: 1, b: 2, c: 3 }, [{ op: "replace", path: "/a", value: 9 }]);
    expect(Object.keys(result as object)).toEqual(["a", "b", "c"]);
  });
});

describe("applyJsonPatch: errors", () => {
  it.each([
    ["not an array", { op: "add" }, "BadRequest", /JSON array/],
    ["unknown op", [{ op: "frobnicate", path: "/a" }], "BadRequest", /unknown op "frobnicate"/],
    ["path without slash", [{ op: "remove", path: "metadata" }], "BadRequest", /must start with "\/"/],
    ["add without value", [{ op: "add", path: "/a" }], "BadRequest", /missing "value"/],
    [
      "test failed",
      [{ op: "test", path: "/metadata/name", value: "node02" }],
      "Invalid",
      /test failed at \/metadata\/name/,
    ],
    [
      "remove a missing key",
      [{ op: "remove", path: "/metadata/annotations" }],
      "Invalid",
      /path not found: \/metadata\/annotations/,
    ],
    [
      "replace a missing key",
      [{ op: "replace", path: "/spec/podCIDR", value: "x" }],
      "Invalid",
      /path not found/,
    ],
    [
      "add below a missing parent",
      [{ op: "add", path: "/status/phase", value: "x" }],
      "Invalid",
      /path not found: \/status\/phase/,
    ],
    ["index out of range", [{ op: "add", path: "/spec/taints/5", value: {} }], "Invalid", /out of range/],
    ["leading-zero index", [{ op: "remove", path: "/spec/taints/00" }], "Invalid", /invalid array index/],
    ["move into own child", [{ op: "move", from: "/spec", path: "/spec/x" }], "Invalid", /own child/],
  ])("%s", (_name, ops, code, message) => {
    const input = node();
    let caught: unknown;
    try {
      applyJsonPatch(input, ops);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EverynodeError);
    expect((caught as EverynodeError).code).toBe(code);
    expect((caught as EverynodeError).message).toMatch(message);
    expect(input).toEqual(node());
  });

  it("is all or nothing: a later failing test leaves the input as it was", () => {
    const input = node();
    expect(() =>
      applyJsonPatch(input, [
        { op: "add", path: "/metadata/labels/disk", value: "ssd" },
        { op: "test", path: "/metadata/labels/disk", value: "hdd" },
      ]),
    ).toThrow(/test failed/);
    expect(input.metadata.labels).not.toHaveProperty("disk");
  });
});
