// Issue 8's attacks on request bodies and patches, replayed over real HTTPS against the API:
// patch bombs, prototype keys, deep nesting, YAML that is not JSON. Each answer is a 4xx
// Status and leaves the store as it was. (What patches and no-op writes store:
// body-writes.test.ts.)

import { describe, expect, it } from "vitest";
import { call, TOKENS, tutorialDaemonSet, type ApiHarness } from "../api/harness.js";
import {
  APPLY,
  DS,
  expectStatus,
  JSONPATCH,
  MERGE,
  NODE,
  SMP,
  withBodiesApi,
  YAML,
} from "./body-fixtures.js";

type Any = any;
let h: ApiHarness;
const { storedNode, storedDs } = withBodiesApi((api) => (h = api));

describe("patch bombs", () => {
  it("stops the 1.5 KB copy bomb a node sends on its own status with a 413", async () => {
    const ops: unknown[] = [{ op: "add", path: "/status/x", value: [1] }];
    for (let i = 0; i < 22; i++) ops.push({ op: "copy", from: "/status/x", path: "/status/x/-" });
    ops.push({ op: "test", path: "/status/x/0", value: 2 });
    const before = storedNode();
    const r = await call(h, "PATCH", `${NODE}/status`, {
      token: TOKENS.nodeA,
      body: ops,
      contentType: JSONPATCH,
    });
    expectStatus(r, 413, /^the patched object would be larger than the limit of 3145728 bytes$/);
    expect(storedNode()).toBe(before);
  });

  it("refuses a JSON patch of more than 10,000 operations with a 413", async () => {
    const ops = Array.from({ length: 10_001 }, () => ({ op: "test", path: "/kind", value: "Node" }));
    const r = await call(h, "PATCH", NODE, { body: ops, contentType: JSONPATCH });
    expectStatus(r, 413, /maximum operations in a JSON patch is 10000, but found 10001/);
    expect((await call(h, "PATCH", NODE, { body: ops.slice(1), contentType: JSONPATCH })).status).toBe(200);
  });

  it("refuses a JSON patch that copies a large value back and forth with a 413", async () => {
    const ops: unknown[] = [
      { op: "add", path: "/metadata/annotations", value: { big: "x".repeat(1_000_000) } },
    ];
    for (let i = 0; i < 30; i++) {
      ops.push({ op: "copy", from: "/metadata/annotations/big", path: "/metadata/annotations/copy" });
      ops.push({ op: "remove", path: "/metadata/annotations/copy" });
    }
    const before = storedNode();
    const r = await call(h, "PATCH", NODE, { body: ops, contentType: JSONPATCH });
    expectStatus(r, 413, /the JSON patch does too much work/);
    expect(storedNode()).toBe(before);
  });

  it("refuses a JSON patch that nests the object deeper than 100 levels with a 422", async () => {
    const ops: unknown[] = [];
    let path = "/status";
    for (let i = 0; i < 120; i++) {
      path += "/a";
      ops.push({ op: "add", path, value: {} });
    }
    const r = await call(h, "PATCH", `${NODE}/status`, { body: ops, contentType: JSONPATCH });
    expectStatus(r, 422, /^the patched object would nest deeper than 100 levels at \/status(\/a){99}$/);
  });

  it.each<[string, string]>([
    ["merge", MERGE],
    ["strategic merge", SMP],
    ["apply", APPLY],
  ])("bounds the result of a %s patch by the body limit too", async (_name, contentType) => {
    // A node object of 2 MB (as the store may hold), patched with 1.5 MB more.
    const node = structuredClone(storedNode());
    node.status.images = Array.from({ length: 20 }, (_, i) => ({ names: [`i${i}:${"x".repeat(100_000)}`] }));
    h.store.update("nodes", node);
    const before = storedNode();
    const patch = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "node-a" },
      status: { volumesInUse: Array.from({ length: 15 }, (_, i) => `v${i}${"y".repeat(100_000)}`) },
    };
    const r = await call(h, "PATCH", `${NODE}/status`, { body: patch, contentType });
    expectStatus(r, 413, /^the patched object would be larger than the limit of 3145728 bytes$/);
    expect(storedNode()).toBe(before);
  });
});

describe("prototype keys", () => {
  const withKey = (where: "spec" | "metadata" | "container", json: string): string => {
    const ds: Any = tutorialDaemonSet("proto");
    const text = JSON.stringify(ds);
    const anchor = {
      spec: '"spec":{',
      metadata: '"metadata":{',
      container: '"containers":[{',
    }[where];
    return text.replace(anchor, `${anchor}${json},`);
  };

  it.each<[string, string, string]>([
    ["spec.constructor", withKey("spec", '"constructor":{"a":1}'), "spec.constructor"],
    ["metadata.toString", withKey("metadata", '"toString":{"a":1}'), "metadata.toString"],
    ["metadata.__proto__", withKey("metadata", '"__proto__":{"x":1}'), "metadata.__proto__"],
    [
      "a container's hasOwnProperty",
      withKey("container", '"hasOwnProperty":{"a":1}'),
      "spec.template.spec.containers[0].hasOwnProperty",
    ],
  ])("%s is an unknown field: refused under Strict, dropped with a warning", async (_name, body, field) => {
    const strict = await call(h, "POST", `${DS}?fieldValidation=Strict`, { body });
    expectStatus(strict, 400, new RegExp(`unknown field "${field.replace(/[.[\]]/g, "\\$&")}"`));
    const warned = await call(h, "POST", DS, { body });
    expect(warned.status, warned.text).toBe(201);
    expect(warned.headers.get("warning")).toBe(`299 - ${JSON.stringify(`unknown field "${field}"`)}`);
    expect(JSON.stringify(storedDs("proto"))).not.toMatch(/constructor|toString|__proto__|hasOwnProperty/);
    expect((await call(h, "DELETE", `${DS}/proto`)).status).toBe(200);
  });

  it.each<[string, string, string]>([
    ["merge", MERGE, '{"spec":{"__proto__":{"minReadySeconds":30}}}'],
    ["strategic merge", SMP, '{"spec":{"__proto__":{"minReadySeconds":30}}}'],
    ["JSON", JSONPATCH, '[{"op":"add","path":"/spec/__proto__","value":{"minReadySeconds":30}}]'],
  ])("a %s patch cannot set a prototype", async (_name, contentType, body) => {
    const before = storedDs();
    const r = await call(h, "PATCH", `${DS}/web`, { body, contentType });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get("warning")).toBe('299 - "unknown field \\"spec.__proto__\\""');
    expect(r.json.spec.minReadySeconds).toBeUndefined();
    expect(storedDs()).toBe(before);
  });

  it("answers 415 for a Content-Type named like an Object property", async () => {
    const r = await call(h, "PATCH", `${DS}/web`, { body: "{}", contentType: "constructor" });
    expectStatus(r, 415);
  });
});

describe("deep nesting", () => {
  const deep = (levels: number): Any => {
    let v: Any = 1;
    for (let i = 0; i < levels; i++) v = { a: v };
    return v;
  };
  // As text: JSON.stringify itself overflows the stack on 100,000 levels.
  const deepText = (levels: number): string => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);

  it.each([1_000, 3_000, 100_000])("refuses a merge patch %d levels deep with a 400", async (levels) => {
    const before = storedDs();
    const r = await call(h, "PATCH", `${DS}/web`, {
      body: `{"metadata":{"annotations":{"x":"y"}},"spec":{"x":${deepText(levels - 2)}}}`,
      contentType: MERGE,
    });
    expectStatus(r, 400, /^the body of the request nests deeper than 100 levels at spec(\.x)?(\.a)+$/);
    expect(storedDs()).toBe(before);
  });

  it("refuses a create nested too deep in JSON or YAML", async () => {
    const ds: Any = tutorialDaemonSet("deep");
    ds.spec.template.spec.containers[0].securityContext = deep(200);
    expectStatus(await call(h, "POST", DS, { body: ds }), 400, /nests deeper than 100 levels/);
    const yaml = `metadata: {name: deep}\nspec: ${"[".repeat(150)}${"]".repeat(150)}\n`;
    expectStatus(await call(h, "POST", DS, { body: yaml, contentType: YAML }), 400, /nests deeper/);
    expect(storedDs("deep")).toBeUndefined();
  });
});

describe("YAML that is not JSON", () => {
  const manifest = (extra: string): string =>
    [
      "apiVersion: apps/v1",
      "kind: DaemonSet",
      "metadata:",
      "  name: yaml-ds",
      extra,
      "spec:",
      "  selector: {matchLabels: {app: y}}",
      "  template:",
      "    metadata: {labels: {app: y}}",
      "    spec: {containers: [{name: y, image: nginx}]}",
      "",
    ].join("\n");

  it.each<[string, string, RegExp]>([
    ["binary", "  annotations: {a: !!binary aGVsbG8=}", /YAML tag tag:yaml.org,2002:binary/],
    ["a set", "  annotations: !!set {a, b}", /YAML tag tag:yaml.org,2002:set/],
    ["a timestamp", "  annotations: {a: !!timestamp 2026-01-01}", /YAML tag tag:yaml.org,2002:timestamp/],
    ["a map as a key", "  labels: {? {a: 1} : x}", /map key must be a string/],
    ["a cycle", "  annotations: &loop {a: *loop}", /nests deeper than 100 levels/],
  ])("refuses %s with a 400", async (_name, extra, message) => {
    expectStatus(await call(h, "POST", DS, { body: manifest(extra), contentType: YAML }), 400, message);
    expect(storedDs("yaml-ds")).toBeUndefined();
  });

  it("refuses a YAML 1.1 timestamp, which decodes to a date", async () => {
    const text = `%YAML 1.1\n---\n${manifest("  annotations: {a: 2026-01-01}")}`;
    expectStatus(await call(h, "POST", DS, { body: text, contentType: YAML }), 400, /holds a timestamp/);
  });

  it("refuses an alias bomb", async () => {
    let bomb = "  annotations:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i < 10; i++)
      bomb += `    a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    expectStatus(await call(h, "POST", DS, { body: manifest(bomb), contentType: YAML }), 400, /alias/i);
  });

  it("still takes a plain YAML manifest", async () => {
    const r = await call(h, "POST", DS, { body: manifest("  labels: {tier: web}"), contentType: YAML });
    expect(r.status, r.text).toBe(201);
    expect((await call(h, "DELETE", `${DS}/yaml-ds`)).status).toBe(200);
  });
});
