// Issue 8's attacks on request bodies and patches, replayed over real HTTPS against the API:
// patch bombs, prototype keys, deep nesting, YAML that is not JSON, unknown fields stored by
// patches, dry-run creates of taken names, no-op writes. Each answer is a 4xx Status and
// leaves the store as it was.

import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Node } from "../../shared/api-types.js";
import {
  call,
  nodeObject,
  startApi,
  TOKENS,
  tutorialDaemonSet,
  type ApiHarness,
  type Reply,
} from "../api/harness.js";
import { selfSignedCertificate } from "../api/self-signed.js";

const DS = "/apis/apps/v1/namespaces/default/daemonsets";
const NODE = "/api/v1/nodes/node-a";
const MERGE = "application/merge-patch+json";
const SMP = "application/strategic-merge-patch+json";
const JSONPATCH = "application/json-patch+json";
const APPLY = "application/apply-patch+yaml";
const YAML = "application/yaml";

type Any = any;
let h: ApiHarness;

beforeAll(async () => {
  h = await startApi({ tls: selfSignedCertificate() });
  expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("node-a") })).status).toBe(201);
  expect((await call(h, "POST", DS, { body: tutorialDaemonSet("web") })).status).toBe(201);
});
afterAll(async () => {
  await h.close();
});

const storedNode = (): Any => h.store.get<Node>("nodes", undefined, "node-a");
const storedDs = (name = "web"): Any => h.store.get("daemonsets", "default", name);

/** A 4xx Kubernetes Status with this code, never a 5xx. */
function expectStatus(r: Reply, code: number, message?: RegExp): void {
  expect(r.status, r.text).toBe(code);
  expect(r.json).toMatchObject({ kind: "Status", status: "Failure", code });
  if (message) expect(r.json.message).toMatch(message);
}

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

describe("unknown fields added by a patch", () => {
  it("drops them with a warning by default, as a create does", async () => {
    const r = await call(h, "PATCH", `${DS}/web`, { body: { spec: { bar: 2 } }, contentType: MERGE });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get("warning")).toBe('299 - "unknown field \\"spec.bar\\""');
    expect(r.json.spec.bar).toBeUndefined();
    expect((await call(h, "GET", `${DS}/web`)).json.spec.bar).toBeUndefined();
  });

  it("drops them silently with fieldValidation=Ignore", async () => {
    const r = await call(h, "PATCH", `${DS}/web?fieldValidation=Ignore`, {
      body: [{ op: "add", path: "/spec/template/spec/bogus", value: 1 }],
      contentType: JSONPATCH,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get("warning")).toBeNull();
    expect(storedDs().spec.template.spec.bogus).toBeUndefined();
  });

  it("refuses them with a 422 naming each field under Strict", async () => {
    const before = storedDs();
    const r = await call(h, "PATCH", `${DS}/web?fieldValidation=Strict`, {
      body: { spec: { bar: 2, template: { spec: { baz: 3 } } } },
      contentType: SMP,
    });
    expectStatus(
      r,
      422,
      /is invalid: patch: strict decoding error: unknown field "spec\.(bar|template\.spec\.baz)", unknown field "spec\./,
    );
    expect(r.json.details.causes).toEqual(
      expect.arrayContaining([
        { reason: "FieldValueUnknown", field: "spec.bar", message: 'unknown field "spec.bar"' },
        {
          reason: "FieldValueUnknown",
          field: "spec.template.spec.baz",
          message: 'unknown field "spec.template.spec.baz"',
        },
      ]),
    );
    expect(storedDs()).toBe(before);
  });

  it("names at most 100 of a body's many unknown fields, and counts the rest", async () => {
    const ds: Any = tutorialDaemonSet("many");
    for (let i = 0; i < 1_000; i++) ds.spec[`f${i}`] = 0;
    const strict = await call(h, "POST", `${DS}?fieldValidation=Strict`, { body: ds });
    expectStatus(strict, 400, /unknown field "spec\.f\d+", and 900 more unknown fields$/);
    const warned = await call(h, "POST", DS, { body: ds });
    expect(warned.status).toBe(201);
    const warnings = warned.headers.get("warning") ?? "";
    expect(warnings.match(/299 - /g)).toHaveLength(101);
    expect(warnings).toMatch(/299 - "900 more unknown fields"$/);
    expect(Object.keys(storedDs("many").spec)).not.toContain("f0");
    expect((await call(h, "DELETE", `${DS}/many`)).status).toBe(200);
  });

  it("no longer stores the unknown fields of a create", async () => {
    const ds: Any = tutorialDaemonSet("unknown");
    ds.spec.foo = 1;
    const r = await call(h, "POST", DS, { body: ds });
    expect(r.status).toBe(201);
    expect(r.json.spec.foo).toBeUndefined();
    expect(storedDs("unknown").spec.foo).toBeUndefined();
    expect((await call(h, "DELETE", `${DS}/unknown`)).status).toBe(200);
  });
});

describe("writes that would change nothing", () => {
  it("answers a dry-run create of a taken name with 409 AlreadyExists", async () => {
    const r = await call(h, "POST", `${DS}?dryRun=All`, { body: tutorialDaemonSet("web") });
    expectStatus(r, 409, /daemonsets.apps "web" already exists/);
    expect(r.json.reason).toBe("AlreadyExists");
    const fresh = await call(h, "POST", `${DS}?dryRun=All`, { body: tutorialDaemonSet("dry") });
    expect(fresh.status).toBe(201);
    expect(storedDs("dry")).toBeUndefined();
  });

  it.each<[string, string, unknown]>([
    ["an empty merge patch", MERGE, {}],
    ["a merge patch setting a label to its value", MERGE, { metadata: { labels: { app: "web" } } }],
    [
      "a strategic merge patch of the same image",
      SMP,
      { spec: { template: { spec: { containers: [{ name: "web", image: "nginx" }] } } } },
    ],
    ["a JSON patch that only tests", JSONPATCH, [{ op: "test", path: "/metadata/name", value: "web" }]],
    ["a patch adding only unknown fields", MERGE, { spec: { bar: 1 } }],
  ])("%s writes nothing and keeps the resourceVersion", async (_name, contentType, body) => {
    await call(h, "PATCH", `${DS}/web`, {
      body: { metadata: { labels: { app: "web" } } },
      contentType: MERGE,
    });
    const before = storedDs();
    const revision = h.store.revision();
    const r = await call(h, "PATCH", `${DS}/web`, { body, contentType });
    expect(r.status, r.text).toBe(200);
    expect(r.json.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(h.store.revision()).toBe(revision);
    expect(storedDs()).toBe(before);
  });

  it("a PUT of the object as read writes nothing; a change still writes", async () => {
    const read = (await call(h, "GET", `${DS}/web`)).json;
    const revision = h.store.revision();
    const same = await call(h, "PUT", `${DS}/web`, { body: read });
    expect(same.status, same.text).toBe(200);
    expect(same.json.metadata.resourceVersion).toBe(read.metadata.resourceVersion);
    expect(h.store.revision()).toBe(revision);
    read.spec.minReadySeconds = 5;
    const changed = await call(h, "PUT", `${DS}/web`, { body: read });
    expect(changed.status, changed.text).toBe(200);
    expect(Number(changed.json.metadata.resourceVersion)).toBeGreaterThan(
      Number(read.metadata.resourceVersion),
    );
  });

  it("a no-op PUT with a stale resourceVersion is still a conflict", async () => {
    const read = (await call(h, "GET", `${DS}/web`)).json;
    await call(h, "PATCH", `${DS}/web`, {
      body: { metadata: { labels: { touch: "1" } } },
      contentType: MERGE,
    });
    read.metadata.labels = storedDs().metadata.labels;
    expectStatus(await call(h, "PUT", `${DS}/web`, { body: read }), 409);
  });
});

describe("writes that land while a patch's body is still arriving", () => {
  it("are kept: the patch applies to the object as stored when its body is complete", async () => {
    const url = new URL(`${h.url}${NODE}`);
    const body = JSON.stringify({ metadata: { labels: { patched: "yes" } } });
    const done = new Promise<number>((resolve, reject) => {
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "PATCH",
          rejectUnauthorized: false,
          headers: {
            authorization: `Bearer ${TOKENS.admin}`,
            "content-type": MERGE,
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      // Half the body now; the other write lands; then the rest.
      req.write(body.slice(0, 10));
      setTimeout(async () => {
        const r = await call(h, "PATCH", NODE, {
          body: { metadata: { labels: { meanwhile: "yes" } } },
          contentType: MERGE,
        });
        expect(r.status).toBe(200);
        req.end(body.slice(10));
      }, 100);
    });
    expect(await done).toBe(200);
    expect(storedNode().metadata.labels).toMatchObject({ patched: "yes", meanwhile: "yes" });
  });
});
