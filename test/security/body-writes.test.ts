// Issue 8's checks of what writes store, over real HTTPS against the API: unknown fields
// added by patches, dry-run creates of taken names, no-op writes, and writes that land while
// a patch's body is still arriving. (The attacks on bodies: bodies.test.ts.)

import https from "node:https";
import { describe, expect, it } from "vitest";
import { call, TOKENS, tutorialDaemonSet, type ApiHarness } from "../api/harness.js";
import { DS, expectStatus, JSONPATCH, MERGE, NODE, SMP, withBodiesApi } from "./body-fixtures.js";

type Any = any;
let h: ApiHarness;
const { storedNode, storedDs } = withBodiesApi((api) => (h = api));

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
