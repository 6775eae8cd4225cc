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

describe("applyJsonPatch: bounds", () => {
  const bounds = { maxBytes: 10_000, maxDepth: 20, maxOperations: 50, maxWork: 80_000 };

  function codeOf(fn: () => unknown): string {
    try {
      fn();
      return "applied";
    } catch (e) {
      return (e as EverynodeError).code;
    }
  }

  /** The attack of issue 8: each copy appends a list to itself, doubling it. */
  function copyBomb(copies: number): unknown[] {
    const ops: unknown[] = [{ op: "add", path: "/status", value: { x: [1] } }];
    for (let i = 0; i < copies; i++) ops.push({ op: "copy", from: "/status/x", path: "/status/x/-" });
    return ops;
  }

  it("stops a doubling copy bomb at the size limit, before building it", () => {
    // 45 doublings would need 2^45 list items: only an early stop can answer at all.
    const caught = (() => {
      try {
        applyJsonPatch(node(), copyBomb(45), { ...bounds, maxOperations: 100 });
      } catch (e) {
        return e as EverynodeError;
      }
    })();
    expect(caught?.code).toBe("RequestEntityTooLarge");
    expect(caught?.message).toBe("the patched object would be larger than the limit of 10000 bytes");
  });

  it("applies the same copies while the result fits", () => {
    const result = applyJsonPatch(node(), copyBomb(3), bounds) as { status: { x: unknown[] } };
    expect(JSON.stringify(result.status.x)).toBe("[1,[1],[1,[1]],[1,[1],[1,[1]]]]");
  });

  it("refuses more operations than maxOperations with Kubernetes' message", () => {
    const ops = Array.from({ length: 51 }, () => ({ op: "test", path: "/metadata/name", value: "node01" }));
    expect(() => applyJsonPatch(node(), ops, bounds)).toThrow(
      "The allowed maximum operations in a JSON patch is 50, but found 51",
    );
    expect(codeOf(() => applyJsonPatch(node(), ops.slice(1), bounds))).toBe("applied");
  });

  it("refuses a patch that copies a large value back and forth past its work", () => {
    const ops: unknown[] = [{ op: "add", path: "/spec/big", value: "x".repeat(4_000) }];
    for (let i = 0; i < 10; i++) {
      ops.push({ op: "copy", from: "/spec/big", path: "/spec/copy" });
      ops.push({ op: "remove", path: "/spec/copy" });
    }
    expect(() => applyJsonPatch(node(), ops, bounds)).toThrow(
      "the JSON patch does too much work: its operations measure, copy or shift more than 80000 bytes and items in all",
    );
    expect(codeOf(() => applyJsonPatch(node(), ops.slice(0, 9), bounds))).toBe("applied");
  });

  it("counts the items a list insert shifts as work", () => {
    const ops: unknown[] = [{ op: "add", path: "/spec/list", value: Array.from({ length: 2_000 }, () => 0) }];
    for (let i = 0; i < 45; i++) ops.push({ op: "add", path: "/spec/list/0", value: 1 });
    expect(codeOf(() => applyJsonPatch(node(), ops, { ...bounds, maxWork: 100_000 }))).toBe("applied");
    expect(codeOf(() => applyJsonPatch(node(), ops, { ...bounds, maxWork: 50_000 }))).toBe(
      "RequestEntityTooLarge",
    );
  });

  it("refuses a document nested deeper than maxDepth, one level at a time", () => {
    const ops: unknown[] = [];
    let path = "/spec";
    for (let i = 0; i < 25; i++) {
      path += "/a";
      ops.push({ op: "add", path, value: {} });
    }
    expect(() => applyJsonPatch(node(), ops, bounds)).toThrow(/would nest deeper than 20 levels/);
    expect(codeOf(() => applyJsonPatch(node(), ops.slice(0, 15), bounds))).toBe("applied");
  });

  it("refuses moving a value deeper than maxDepth", () => {
    const deep = { a: { a: { a: { a: {} } } } };
    const ops = [
      { op: "add", path: "/spec/deep", value: deep },
      { op: "add", path: "/spec/x", value: { y: { z: {} } } },
      { op: "move", from: "/spec/deep", path: "/spec/x/y/z/deep" },
    ];
    expect(codeOf(() => applyJsonPatch(node(), ops, { ...bounds, maxDepth: 8 }))).toBe("Invalid");
    expect(codeOf(() => applyJsonPatch(node(), ops, { ...bounds, maxDepth: 10 }))).toBe("applied");
  });
});

describe("applyJsonPatch: prototype keys", () => {
  it("adds __proto__ as a plain key, never as the object's prototype", () => {
    const result = applyJsonPatch(node(), [
      { op: "add", path: "/spec/__proto__", value: { polluted: true } },
      { op: "add", path: "/metadata/labels/constructor", value: "x" },
    ]) as { spec: Record<string, unknown>; metadata: { labels: Record<string, unknown> } };
    expect(Object.getPrototypeOf(result.spec)).toBe(Object.prototype);
    expect(Object.hasOwn(result.spec, "__proto__")).toBe(true);
    expect(result.spec["polluted"]).toBeUndefined();
    expect(result.metadata.labels["constructor"]).toBe("x");
  });

  it("does not find inherited properties", () => {
    expect(() => applyJsonPatch(node(), [{ op: "remove", path: "/spec/constructor" }])).toThrow(
      /path not found/,
    );
    expect(() => applyJsonPatch(node(), [{ op: "copy", from: "/spec/toString", path: "/x" }])).toThrow(
      /path not found/,
    );
  });
});
