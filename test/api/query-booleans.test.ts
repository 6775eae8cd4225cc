// Boolean query parameters read as the Kubernetes API server reads them, over real HTTP:
// `watch`, `allowWatchBookmarks`, `follow` by its parameter codec (only absent, 0 and false
// are false), `pretty` by Go's ParseBool.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, nodeObject, seedPod, startApi, type ApiHarness } from "./harness.js";
import { stream } from "./line-stream.js";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("node01") })).status).toBe(201);
  seedPod(h.store, "web-1", "node01");
});
afterAll(async () => {
  await h.close();
});

describe("watch", () => {
  it.each(["True", "TRUE", "1", "t", "yes", ""])("watch=%s streams events", async (value) => {
    const s = stream(h, `/api/v1/nodes?watch=${value}`);
    try {
      expect(await s.status).toBe(200);
      const [first] = await s.waitFor(1);
      expect(JSON.parse(first as string)).toMatchObject({
        type: "ADDED",
        object: { metadata: { name: "node01" } },
      });
    } finally {
      s.close();
    }
  });

  it.each(["false", "False", "FALSE", "0"])("watch=%s lists", async (value) => {
    const r = await call(h, "GET", `/api/v1/nodes?watch=${value}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: "NodeList", items: [{ metadata: { name: "node01" } }] });
  });
});

describe("follow", () => {
  it("follow=True follows and follow=FALSE does not", async () => {
    expect((await call(h, "GET", "/api/v1/namespaces/default/pods/web-1/log?follow=FALSE")).status).toBe(200);
    expect(h.logs.calls.at(-1)?.options.follow).toBe(false);
    const s = stream(h, "/api/v1/namespaces/default/pods/web-1/log?follow=True");
    try {
      await s.waitFor(2);
      expect(h.logs.calls.at(-1)?.options.follow).toBe(true);
    } finally {
      s.close();
    }
  });
});

describe("pretty", () => {
  it.each(["true", "True", "1", "t"])("pretty=%s indents the JSON", async (value) => {
    const r = await call(h, "GET", `/api/v1/nodes/node01?pretty=${value}`);
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^\{\n {2}"/);
    expect(r.text).toContain('\n  "kind": "Node",\n');
    expect(r.json.metadata.name).toBe("node01");
  });

  it.each(["false", "yes", ""])("pretty=%s does not", async (value) => {
    const r = await call(h, "GET", `/api/v1/nodes/node01?pretty=${value}`);
    expect(r.text.startsWith('{"')).toBe(true);
  });

  it("indents errors too", async () => {
    const r = await call(h, "GET", "/api/v1/nodes/nope?pretty=true");
    expect(r.status).toBe(404);
    expect(r.text).toContain('\n  "reason": "NotFound"');
  });
});
