// The four patch types against nodes and DaemonSets, with the bodies kubectl and
// @kubernetes/client-node send.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, nodeObject, startApi, tutorialDaemonSet, type ApiHarness } from "./harness.js";

const DS = "/apis/apps/v1/namespaces/default/daemonsets";
const SMP = "application/strategic-merge-patch+json";
const MERGE = "application/merge-patch+json";
const JSONPATCH = "application/json-patch+json";
const APPLY = "application/apply-patch+yaml";
let h: ApiHarness;

type Any = any;

beforeAll(async () => {
  h = await startApi();
  expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("node01") })).status).toBe(201);
});
afterAll(async () => {
  await h.close();
});

const patchNode = (body: unknown, contentType: string, query = ""): Promise<Any> =>
  call(h, "PATCH", `/api/v1/nodes/node01${query}`, { body, contentType });

describe("nodes", () => {
  it("taints and untaints with kubectl's strategic merge patches", async () => {
    const add = await patchNode(
      { spec: { taints: [{ effect: "NoSchedule", key: "key", value: "value" }] } },
      SMP,
      "?fieldManager=kubectl-taint&fieldValidation=Strict",
    );
    expect(add.status, add.text).toBe(200);
    expect(add.json.spec.taints).toEqual([{ effect: "NoSchedule", key: "key", value: "value" }]);
    const two = await patchNode(
      {
        spec: {
          taints: [
            { effect: "NoSchedule", key: "key", value: "value" },
            { effect: "NoExecute", key: "c", value: "d" },
          ],
        },
      },
      SMP,
    );
    expect(two.json.spec.taints).toHaveLength(2);
    const one = await patchNode({ spec: { taints: [{ effect: "NoExecute", key: "c", value: "d" }] } }, SMP);
    expect(one.json.spec.taints).toEqual([{ effect: "NoExecute", key: "c", value: "d" }]);
    const none = await patchNode({ spec: { taints: null } }, SMP);
    expect(none.json.spec.taints).toBeUndefined();
  });

  it("labels with kubectl's merge patch", async () => {
    const r = await patchNode(
      { metadata: { labels: { disk: "ssd" } } },
      MERGE,
      "?fieldManager=kubectl-label",
    );
    expect(r.status).toBe(200);
    expect(r.json.metadata.labels).toEqual({ "kubernetes.io/hostname": "node01", disk: "ssd" });
  });

  it("cordons and uncordons", async () => {
    expect((await patchNode({ spec: { unschedulable: true } }, SMP)).json.spec.unschedulable).toBe(true);
    const r = await patchNode({ spec: { unschedulable: null } }, SMP);
    expect(r.json.spec.unschedulable).toBeUndefined();
  });

  it("applies client-node's default JSON patch", async () => {
    const r = await patchNode([{ op: "add", path: "/metadata/labels/zone", value: "a" }], JSONPATCH);
    expect(r.status, r.text).toBe(200);
    expect(r.json.metadata.labels.zone).toBe("a");
    const bad = await patchNode({ op: "add" }, JSONPATCH);
    expect(bad.status).toBe(400);
  });

  it("keeps status out of the main resource and spec out of /status", async () => {
    const main = await patchNode({ status: { capacity: { cpu: "64" } } }, MERGE);
    expect(main.json.status.capacity.cpu).toBe("2");
    const status = await call(h, "PATCH", "/api/v1/nodes/node01/status", {
      body: { spec: { unschedulable: true }, status: { capacity: { cpu: "4" } } },
      contentType: MERGE,
    });
    expect(status.status, status.text).toBe(200);
    expect(status.json.status.capacity.cpu).toBe("4");
    expect(status.json.spec.unschedulable).toBeUndefined();
  });

  it("conflicts only when the patch names another resourceVersion", async () => {
    const current = (await call(h, "GET", "/api/v1/nodes/node01")).json;
    const same = await patchNode(
      { metadata: { resourceVersion: current.metadata.resourceVersion, labels: { rv: "ok" } } },
      MERGE,
    );
    expect(same.status).toBe(200);
    const stale = await patchNode(
      { metadata: { resourceVersion: current.metadata.resourceVersion, labels: { rv: "stale" } } },
      MERGE,
    );
    expect(stale.status).toBe(409);
    expect((await call(h, "GET", "/api/v1/nodes/node01")).json.metadata.labels.rv).toBe("ok");
  });

  it("answers 415 for an unknown patch type and 404 for a missing node", async () => {
    expect((await patchNode({ spec: {} }, "application/json")).status).toBe(415);
    const missing = await call(h, "PATCH", "/api/v1/nodes/ghost", { body: { spec: {} }, contentType: MERGE });
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('nodes "ghost" not found');
  });

  it("refuses an invalid taint with a 422", async () => {
    const r = await patchNode({ spec: { taints: [{ key: "k", effect: "Sometimes" }] } }, SMP);
    expect(r.status).toBe(422);
    expect(r.json.details.causes[0].field).toMatch(/^spec\.taints\[0\]\.effect/);
  });
});

describe("daemonsets", () => {
  it("takes kubectl apply's strategic merge patch: containers merge by name, generation moves", async () => {
    const created = await call(h, "POST", DS, { body: tutorialDaemonSet("nginx") });
    expect(created.status).toBe(201);
    const patch = {
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"new":true}\n' } },
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }],
            containers: [{ image: "nginx:1.27", name: "nginx" }],
          },
        },
      },
    };
    const r = await call(
      h,
      "PATCH",
      `${DS}/nginx?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`,
      { body: patch, contentType: SMP },
    );
    expect(r.status, r.text).toBe(200);
    const c = r.json.spec.template.spec.containers;
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({
      name: "nginx",
      image: "nginx:1.27",
      ports: [{ containerPort: 80, protocol: "TCP" }],
    });
    expect(r.json.metadata.generation).toBe(2);
    expect(r.json.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toBe(
      '{"new":true}\n',
    );
  });

  it("takes a merge patch that changes only labels without moving generation", async () => {
    const r = await call(h, "PATCH", `${DS}/nginx`, {
      body: { metadata: { labels: { team: "web" } } },
      contentType: MERGE,
    });
    expect(r.status).toBe(200);
    expect(r.json.metadata.generation).toBe(2);
  });

  it("rejects a patch that breaks validation or adds unknown fields under Strict", async () => {
    const invalid = await call(h, "PATCH", `${DS}/nginx`, {
      body: { spec: { template: { spec: { restartPolicy: "Never" } } } },
      contentType: MERGE,
    });
    expect(invalid.status).toBe(422);
    const unknown = await call(h, "PATCH", `${DS}/nginx?fieldValidation=Strict`, {
      body: { spec: { bogus: 1 } },
      contentType: MERGE,
    });
    // As Kubernetes answers a patch whose result has unknown fields: 422, not the create's 400.
    expect(unknown.status).toBe(422);
    expect(unknown.json.message).toMatch(
      /is invalid: patch: strict decoding error: unknown field "spec\.bogus"$/,
    );
    expect(h.store.get<Any>("daemonsets", "default", "nginx")?.spec.bogus).toBeUndefined();
  });

  it("patches status through /status only", async () => {
    const r = await call(h, "PATCH", `${DS}/nginx/status`, {
      body: { status: { desiredNumberScheduled: 3, observedGeneration: 2 } },
      contentType: MERGE,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toMatchObject({ desiredNumberScheduled: 3, observedGeneration: 2 });
    expect(r.json.metadata.generation).toBe(2);
  });

  it("creates and updates with server-side apply", async () => {
    const applied = tutorialDaemonSet("ssa");
    const created = await call(
      h,
      "PATCH",
      `${DS}/ssa?fieldManager=kubectl&fieldValidation=Strict&force=false`,
      { body: applied, contentType: APPLY },
    );
    expect(created.status, created.text).toBe(201);
    expect(created.json.metadata.generation).toBe(1);
    expect(created.json.spec.updateStrategy.type).toBe("RollingUpdate");
    const changed: Any = tutorialDaemonSet("ssa", "nginx:1.27");
    const updated = await call(h, "PATCH", `${DS}/ssa?fieldManager=kubectl&force=false`, {
      body: changed,
      contentType: APPLY,
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json.spec.template.spec.containers[0].image).toBe("nginx:1.27");
    expect(updated.json.metadata.generation).toBe(2);
  });
});
