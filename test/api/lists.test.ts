// Lists: label and field selectors, limit/continue, list metadata, and Table output.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, nodeObject, seedPod, startApi, tutorialDaemonSet, type ApiHarness } from "./harness.js";

const TABLE =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
let h: ApiHarness;

type Any = any;
const names = (r: Any): string[] => r.json.items.map((o: Any) => o.metadata.name);

beforeAll(async () => {
  h = await startApi();
  expect(
    (
      await call(h, "POST", "/api/v1/nodes", {
        body: nodeObject("n1", { "node-role.kubernetes.io/control-plane": "" }),
      })
    ).status,
  ).toBe(201);
  expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("n2", { disk: "ssd" }) })).status).toBe(
    201,
  );
  expect(
    (
      await call(h, "POST", "/api/v1/namespaces", {
        body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } },
      })
    ).status,
  ).toBe(201);
  for (const [ns, name] of [
    ["default", "a"],
    ["default", "b"],
    ["team", "c"],
    ["default", "d"],
    ["team", "e"],
  ] as const) {
    const r = await call(h, "POST", `/apis/apps/v1/namespaces/${ns}/daemonsets`, {
      body: tutorialDaemonSet(name),
    });
    expect(r.status).toBe(201);
  }
  seedPod(h.store, "web-1", "n1");
  seedPod(h.store, "web-2", "n2");
  const failed = seedPod(h.store, "web-3", "n1", "default", { app: "other" });
  h.store.update("pods", { ...structuredClone(failed), status: { phase: "Failed" } });
});
afterAll(async () => {
  await h.close();
});

describe("selectors", () => {
  it.each<[string, string[]]>([
    ["labelSelector=disk%3Dssd", ["n2"]],
    ["labelSelector=disk", ["n2"]],
    ["labelSelector=!disk", ["n1"]],
    ["labelSelector=disk%20in%20(ssd,hdd)", ["n2"]],
    ["labelSelector=disk!%3Dssd", ["n1"]],
    ["fieldSelector=metadata.name%3Dn1", ["n1"]],
    ["fieldSelector=metadata.name!%3Dn1", ["n2"]],
    ["labelSelector=disk%3Dssd&fieldSelector=metadata.name%3Dn1", []],
  ])("nodes?%s", async (query, expected) => {
    const r = await call(h, "GET", `/api/v1/nodes?${query}`);
    expect(r.status).toBe(200);
    expect(names(r)).toEqual(expected);
  });

  it.each([
    "fieldSelector=spec.nodeName%3Dn1,status.phase!%3DSucceeded,status.phase!%3DFailed",
    "fieldSelector=status.phase!%3DFailed,spec.nodeName%3Dn1,status.phase!%3DSucceeded",
  ])("describe node's pod list, any term order: %s", async (query) => {
    const r = await call(h, "GET", `/api/v1/pods?${query}&limit=500`);
    expect(names(r)).toEqual(["web-1"]);
  });

  it("matches an empty field value to an absent field (describe node's events)", async () => {
    h.store.create("events", {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "n1.1", namespace: "default" },
      involvedObject: { kind: "Node", name: "n1", uid: "n1" },
      reason: "Starting",
    });
    const r = await call(
      h,
      "GET",
      "/api/v1/events?fieldSelector=involvedObject.name%3Dn1,involvedObject.namespace%3D,involvedObject.kind%3DNode,involvedObject.uid%3Dn1&limit=500",
    );
    expect(r.status).toBe(200);
    expect(names(r)).toEqual(["n1.1"]);
  });

  it("answers 400 for a selector it cannot parse", async () => {
    const r = await call(h, "GET", "/api/v1/nodes?labelSelector=in%20%3D%3D%3D");
    expect(r.status).toBe(400);
    expect(r.json.reason).toBe("BadRequest");
  });
});

describe("lists", () => {
  it("carries kind, apiVersion and the store's revision", async () => {
    const r = await call(h, "GET", "/apis/apps/v1/daemonsets");
    expect(r.json).toMatchObject({ kind: "DaemonSetList", apiVersion: "apps/v1" });
    expect(r.json.metadata.resourceVersion).toBe(String(h.store.revision()));
    expect(names(r)).toEqual(["a", "b", "d", "c", "e"]);
    expect(r.json.items[0]).toMatchObject({ kind: "DaemonSet", apiVersion: "apps/v1" });
  });

  it("keeps to a namespace", async () => {
    expect(names(await call(h, "GET", "/apis/apps/v1/namespaces/team/daemonsets"))).toEqual(["c", "e"]);
  });

  it("pages with limit and continue, in namespace/name order, without loss", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    const firstRevision = h.store.revision();
    do {
      const r = await call(
        h,
        "GET",
        `/apis/apps/v1/daemonsets?limit=2${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
      );
      expect(r.status).toBe(200);
      expect(r.json.metadata.resourceVersion).toBe(String(firstRevision));
      seen.push(...r.json.items.map((o: Any) => `${o.metadata.namespace}/${o.metadata.name}`));
      token = r.json.metadata.continue;
      pages++;
      if (pages === 1) {
        // A write between pages must not shift the next page.
        expect(
          (
            await call(h, "POST", "/apis/apps/v1/namespaces/default/daemonsets", {
              body: tutorialDaemonSet("aa"),
            })
          ).status,
        ).toBe(201);
      }
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(["default/a", "default/b", "default/d", "team/c", "team/e"]);
  });

  it("answers 400 for a continue token it did not issue", async () => {
    expect((await call(h, "GET", "/apis/apps/v1/daemonsets?limit=2&continue=bogus")).status).toBe(400);
  });
});

describe("tables", () => {
  it("prints nodes with the server's columns and row metadata", async () => {
    const r = await call(h, "GET", "/api/v1/nodes?limit=500", { accept: TABLE });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1" });
    const cols = r.json.columnDefinitions.map((c: Any) => c.name);
    expect(cols.slice(0, 5)).toEqual(["Name", "Status", "Roles", "Age", "Version"]);
    expect(r.json.columnDefinitions[0].format).toBe("name");
    expect(r.json.columnDefinitions.find((c: Any) => c.name === "Internal-IP").priority).toBe(1);
    expect(r.json.rows[0].cells.slice(0, 4)).toEqual(["n1", "Ready", "control-plane", "0s"]);
    expect(r.json.rows[0].object.metadata.name).toBe("n1");
  });

  it("prints pods and DaemonSets across namespaces, with the namespace on each row", async () => {
    const pods = await call(h, "GET", "/api/v1/pods?limit=500", { accept: TABLE });
    expect(pods.json.columnDefinitions.map((c: Any) => c.name).slice(0, 5)).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
    ]);
    expect(pods.json.rows[0].object.metadata.namespace).toBe("default");
    const ds = await call(h, "GET", "/apis/apps/v1/daemonsets?limit=500", { accept: TABLE });
    expect(ds.json.columnDefinitions.map((c: Any) => c.name)).toEqual([
      "Name",
      "Desired",
      "Current",
      "Ready",
      "Up-to-date",
      "Available",
      "Node Selector",
      "Age",
      "Containers",
      "Images",
      "Selector",
    ]);
    expect(ds.json.rows.map((row: Any) => row.object.metadata.namespace)).toContain("team");
  });

  it("answers a single-object GET with a one-row Table", async () => {
    const r = await call(h, "GET", "/apis/apps/v1/namespaces/default/daemonsets/a", { accept: TABLE });
    expect(r.json.kind).toBe("Table");
    expect(r.json.rows).toHaveLength(1);
    expect(r.json.rows[0].cells[0]).toBe("a");
  });

  it("answers a v1beta1-only client in v1beta1, and protobuf-first clients in JSON", async () => {
    const beta = await call(h, "GET", "/api/v1/nodes", {
      accept: "application/json;as=Table;v=v1beta1;g=meta.k8s.io",
    });
    expect(beta.json.apiVersion).toBe("meta.k8s.io/v1beta1");
    const proto = await call(h, "GET", "/api/v1/nodes/n1", {
      accept: "application/vnd.kubernetes.protobuf,application/json",
    });
    expect(proto.headers.get("content-type")).toBe("application/json");
    expect(proto.json.kind).toBe("Node");
  });
});
