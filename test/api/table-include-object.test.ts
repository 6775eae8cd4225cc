// Tables honour TableOptions.includeObject over real HTTP, as the Kubernetes API server does:
// each row carries the object's metadata (Metadata, the default), the whole object (Object,
// which kubectl asks for with --sort-by) or null (None); lists, single GETs and watches alike.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, nodeObject, seedPod, startApi, type ApiHarness } from "./harness.js";
import { stream } from "./line-stream.js";

const TABLE =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const PODS = "/api/v1/namespaces/default/pods";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("node01") })).status).toBe(201);
  seedPod(h.store, "web-1", "node01");
});
afterAll(async () => {
  await h.close();
});

describe("lists and single GETs", () => {
  it("includeObject=Object: rows carry the whole object, with kind and apiVersion", async () => {
    for (const path of [`${PODS}?includeObject=Object`, `${PODS}/web-1?includeObject=Object`]) {
      const r = await call(h, "GET", path, { accept: TABLE });
      expect(r.status).toBe(200);
      expect(r.json.kind).toBe("Table");
      expect(r.json.rows[0].object).toMatchObject({
        kind: "Pod",
        apiVersion: "v1",
        metadata: { name: "web-1", namespace: "default" },
        spec: { nodeName: "node01" },
        status: { phase: "Running" },
      });
      expect(r.json.rows[0].cells[0]).toBe("web-1");
    }
  });

  it("Metadata and the default: PartialObjectMetadata in the Table's version", async () => {
    for (const [query, accept, version] of [
      ["", TABLE, "v1"],
      ["?includeObject=Metadata", TABLE, "v1"],
      ["?includeObject=Metadata", "application/json;as=Table;v=v1beta1;g=meta.k8s.io", "v1beta1"],
    ] as const) {
      const r = await call(h, "GET", PODS + query, { accept });
      expect(r.json.apiVersion).toBe(`meta.k8s.io/${version}`);
      expect(r.json.rows[0].object).toMatchObject({
        kind: "PartialObjectMetadata",
        apiVersion: `meta.k8s.io/${version}`,
        metadata: { name: "web-1" },
      });
      expect(r.json.rows[0].object.spec).toBeUndefined();
    }
  });

  it("includeObject=None: rows carry null", async () => {
    const r = await call(h, "GET", `${PODS}?includeObject=None`, { accept: TABLE });
    expect(r.json.rows[0].object).toBeNull();
    expect(r.json.rows[0].cells[0]).toBe("web-1");
  });

  it("an unknown value is a 400 Status for a Table, ignored for plain JSON as Kubernetes does", async () => {
    const bad = await call(h, "GET", `${PODS}?includeObject=Everything`, { accept: TABLE });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      kind: "Status",
      reason: "BadRequest",
      message: 'unrecognized includeObject value: "Everything"',
    });
    const single = await call(h, "GET", `${PODS}/web-1?includeObject=Everything`, { accept: TABLE });
    expect(single.status).toBe(400);
    const json = await call(h, "GET", `${PODS}?includeObject=Everything`);
    expect(json.status).toBe(200);
    expect(json.json.kind).toBe("PodList");
  });
});

describe("watches", () => {
  const watchRows = async (query: string): Promise<any[]> => {
    const s = stream(h, `${PODS}?watch=true${query}`, undefined, TABLE);
    try {
      expect(await s.status).toBe(200);
      await s.waitFor(1);
      seedPod(h.store, `web-${Math.random().toString(36).slice(2, 7)}`, "node01");
      const lines = await s.waitFor(2);
      return lines.map((l) => JSON.parse(l)).map((e) => ({ type: e.type, table: e.object }));
    } finally {
      s.close();
      for (const p of h.store.list("pods", "default"))
        if (p.metadata.name !== "web-1") h.store.delete("pods", "default", p.metadata.name ?? "");
    }
  };

  it("includeObject=Object: every event's one-row Table carries the whole object", async () => {
    const events = await watchRows("&includeObject=Object");
    expect(events.map((e) => e.type)).toEqual(["ADDED", "ADDED"]);
    for (const e of events) {
      expect(e.table.kind).toBe("Table");
      expect(e.table.rows).toHaveLength(1);
      expect(e.table.rows[0].object).toMatchObject({
        kind: "Pod",
        apiVersion: "v1",
        spec: { nodeName: "node01" },
      });
    }
  });

  it("includeObject=None: null rows; the default: metadata", async () => {
    for (const e of await watchRows("&includeObject=None")) expect(e.table.rows[0].object).toBeNull();
    for (const e of await watchRows(""))
      expect(e.table.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata" });
  });

  it("refuses an unknown value with a 400 before streaming", async () => {
    const r = await call(h, "GET", `${PODS}?watch=true&includeObject=All`, { accept: TABLE });
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('unrecognized includeObject value: "All"');
  });
});
