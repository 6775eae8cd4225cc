// DaemonSet create, read, replace, status and delete over real HTTP: defaults, generation,
// optimistic concurrency, validation, unknown fields, body limits and formats.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startApi, tutorialDaemonSet, type ApiHarness } from "./harness.js";

const DS = "/apis/apps/v1/namespaces/default/daemonsets";
let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await h.close();
});

type Any = any;

async function create(name: string, image = "nginx"): Promise<Any> {
  const r = await call(h, "POST", DS, { body: tutorialDaemonSet(name, image) });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

describe("create and read", () => {
  it("stores the object with server fields and the defaults, visible in GET", async () => {
    const created = await create("defaults");
    expect(created.metadata).toMatchObject({ name: "defaults", namespace: "default", generation: 1 });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toBe("2026-12-01T12:00:00Z");
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    const got = await call(h, "GET", `${DS}/defaults`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/json");
    expect(got.json.spec.updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(got.json.spec.revisionHistoryLimit).toBe(10);
    expect(got.json.spec.template.spec).toMatchObject({
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      terminationGracePeriodSeconds: 30,
    });
    expect(got.json.spec.template.spec.containers[0]).toMatchObject({
      imagePullPolicy: "Always",
      ports: [{ containerPort: 80, protocol: "TCP" }],
    });
    expect(got.json.status).toMatchObject({ desiredNumberScheduled: 0, numberReady: 0 });
  });

  it("keeps annotations verbatim and clears a client's status", async () => {
    const body = tutorialDaemonSet("annotated");
    const lastApplied = JSON.stringify(tutorialDaemonSet("annotated")) + "\n";
    (body.metadata as Any).annotations = { "kubectl.kubernetes.io/last-applied-configuration": lastApplied };
    (body as Any).status = {
      currentNumberScheduled: 9,
      numberMisscheduled: 0,
      desiredNumberScheduled: 9,
      numberReady: 9,
    };
    const r = await call(h, "POST", `${DS}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`, {
      body,
    });
    expect(r.status, r.text).toBe(201);
    expect(r.json.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toBe(lastApplied);
    expect(r.json.status.desiredNumberScheduled).toBe(0);
  });

  it("creates from YAML", async () => {
    const yaml = [
      "apiVersion: apps/v1",
      "kind: DaemonSet",
      "metadata:",
      "  name: from-yaml",
      "spec:",
      "  selector:",
      "    matchLabels: {app: y}",
      "  template:",
      "    metadata:",
      "      labels: {app: y}",
      "    spec:",
      "      containers:",
      "      - name: y",
      "        image: nginx:1.27",
    ].join("\n");
    const r = await call(h, "POST", DS, { body: yaml, contentType: "application/yaml" });
    expect(r.status, r.text).toBe(201);
    expect(r.json.spec.template.spec.containers[0].imagePullPolicy).toBe("IfNotPresent");
  });

  it("answers 409 AlreadyExists for a taken name", async () => {
    await create("taken");
    const r = await call(h, "POST", DS, { body: tutorialDaemonSet("taken") });
    expect(r.status).toBe(409);
    expect(r.json.reason).toBe("AlreadyExists");
  });

  it("answers a dry run without storing", async () => {
    const r = await call(h, "POST", `${DS}?dryRun=All`, { body: tutorialDaemonSet("dry") });
    expect(r.status).toBe(201);
    expect(r.json.spec.updateStrategy.type).toBe("RollingUpdate");
    expect((await call(h, "GET", `${DS}/dry`)).status).toBe(404);
  });

  it("answers 404 with Kubernetes' message for a missing DaemonSet", async () => {
    const r = await call(h, "GET", `${DS}/nope`);
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({
      message: 'daemonsets.apps "nope" not found',
      details: { name: "nope", group: "apps", kind: "daemonsets" },
    });
  });
});

describe("validation", () => {
  const base = (): Any => tutorialDaemonSet("bad");
  it.each<[string, string, (ds: Any) => void]>([
    ["no containers", "spec.template.spec.containers", (ds) => (ds.spec.template.spec.containers = [])],
    [
      "no image",
      "spec.template.spec.containers[0].image",
      (ds) => delete ds.spec.template.spec.containers[0].image,
    ],
    [
      "selector not matching the template",
      "spec.template.metadata.labels",
      (ds) => (ds.spec.template.metadata.labels = { app: "other" }),
    ],
    [
      "restartPolicy Never",
      "spec.template.spec.restartPolicy",
      (ds) => (ds.spec.template.spec.restartPolicy = "Never"),
    ],
    ["an invalid name", "metadata.name", (ds) => (ds.metadata.name = "Bad_Name")],
    [
      "an unknown update strategy",
      "spec.updateStrategy",
      (ds) => (ds.spec.updateStrategy = { type: "Sometimes" }),
    ],
  ])("%s → 422 with cause %s, nothing stored", async (_name, field, mutate) => {
    const body = base();
    mutate(body);
    const r = await call(h, "POST", DS, { body });
    expect(r.status, r.text).toBe(422);
    expect(r.json).toMatchObject({
      kind: "Status",
      reason: "Invalid",
      code: 422,
      details: { group: "apps", kind: "DaemonSet" },
    });
    expect(r.json.details.causes.map((c: Any) => c.field)).toContain(field);
    expect(r.json.message).toMatch(/^DaemonSet\.apps ".*" is invalid: /);
    expect(h.store.list("daemonsets").map((d) => d.metadata.name)).not.toContain(body.metadata.name);
  });
});

describe("replace and status", () => {
  it("bumps generation only when the spec changes and keeps the selector immutable", async () => {
    const created = await create("gen");
    const same = await call(h, "PUT", `${DS}/gen`, { body: created });
    expect(same.status, same.text).toBe(200);
    expect(same.json.metadata.generation).toBe(1);
    const labelled = structuredClone(same.json);
    labelled.metadata.labels = { tier: "web" };
    const r1 = await call(h, "PUT", `${DS}/gen`, { body: labelled });
    expect(r1.json.metadata.generation).toBe(1);
    const changed = structuredClone(r1.json);
    changed.spec.template.spec.containers[0].image = "nginx:1.27";
    const r2 = await call(h, "PUT", `${DS}/gen`, { body: changed });
    expect(r2.json.metadata.generation).toBe(2);
    const selector = structuredClone(r2.json);
    selector.spec.selector = { matchLabels: { app: "gen", extra: "x" } };
    selector.spec.template.metadata.labels = { app: "gen", extra: "x" };
    const r3 = await call(h, "PUT", `${DS}/gen`, { body: selector });
    expect(r3.status).toBe(422);
    expect(r3.json.details.causes.map((c: Any) => c.field)).toContain("spec.selector");
  });

  it("changes only status through /status, and ignores status on the main resource", async () => {
    const created = await create("stat");
    const withStatus = structuredClone(created);
    withStatus.status = {
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 2,
      observedGeneration: 1,
    };
    withStatus.spec.template.spec.containers[0].image = "ignored:1";
    const s = await call(h, "PUT", `${DS}/stat/status`, { body: withStatus });
    expect(s.status, s.text).toBe(200);
    expect(s.json.status.desiredNumberScheduled).toBe(2);
    expect(s.json.spec.template.spec.containers[0].image).toBe("nginx");
    expect(s.json.metadata.generation).toBe(1);
    const main = structuredClone(s.json);
    main.status.desiredNumberScheduled = 99;
    const m = await call(h, "PUT", `${DS}/stat`, { body: main });
    expect(m.status).toBe(200);
    expect(m.json.status.desiredNumberScheduled).toBe(2);
  });

  it("answers 409 to a stale resourceVersion and 404 to a missing object", async () => {
    const created = await create("stale");
    const first = structuredClone(created);
    first.metadata.labels = { a: "1" };
    expect((await call(h, "PUT", `${DS}/stale`, { body: first })).status).toBe(200);
    const stale = structuredClone(created);
    stale.metadata.labels = { a: "2" };
    const r = await call(h, "PUT", `${DS}/stale`, { body: stale });
    expect(r.status).toBe(409);
    expect(r.json.reason).toBe("Conflict");
    expect(h.store.get("daemonsets", "default", "stale")?.metadata.labels).toEqual({ a: "1" });
    const missing = await call(h, "PUT", `${DS}/ghost`, { body: tutorialDaemonSet("ghost") });
    expect(missing.status).toBe(404);
  });

  it("lets exactly one of N parallel PUTs from the same version win", async () => {
    const created = await create("race");
    const n = 8;
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const body = structuredClone(created);
        body.metadata.labels = { writer: String(i) };
        return call(h, "PUT", `${DS}/race`, { body });
      }),
    );
    const codes = replies.map((r) => r.status).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(n - 1);
    const winner = replies.find((r) => r.status === 200)?.json;
    expect(h.store.get("daemonsets", "default", "race")?.metadata.labels).toEqual(winner.metadata.labels);
  });

  it("rejects a PUT whose name is not the URL's", async () => {
    const created = await create("named");
    created.metadata.name = "other";
    const r = await call(h, "PUT", `${DS}/named`, { body: created });
    expect(r.status).toBe(400);
  });
});

describe("delete", () => {
  it("deletes with a Success Status and honours preconditions", async () => {
    const created = await create("gone");
    const wrong = await call(h, "DELETE", `${DS}/gone`, { body: { preconditions: { uid: "not-the-uid" } } });
    expect(wrong.status).toBe(409);
    expect(h.store.get("daemonsets", "default", "gone")).toBeDefined();
    const r = await call(h, "DELETE", `${DS}/gone`, {
      body: { propagationPolicy: "Background", preconditions: { uid: created.metadata.uid } },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "gone", kind: "daemonsets", uid: created.metadata.uid },
    });
    expect((await call(h, "GET", `${DS}/gone`)).status).toBe(404);
    expect((await call(h, "DELETE", `${DS}/gone`)).status).toBe(404);
  });

  it("refuses writes to controllerrevisions", async () => {
    const r = await call(h, "POST", "/apis/apps/v1/namespaces/default/controllerrevisions", {
      body: {
        apiVersion: "apps/v1",
        kind: "ControllerRevision",
        metadata: { name: "x" },
        data: {},
        revision: 1,
      },
    });
    expect(r.status).toBe(405);
    expect((await call(h, "GET", "/apis/apps/v1/namespaces/default/controllerrevisions")).status).toBe(200);
  });
});
