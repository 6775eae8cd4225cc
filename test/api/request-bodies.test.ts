// What the API does with bodies it cannot take: URLs they disagree with, unknown fields per
// fieldValidation, bodies over the limit, undecodable JSON and YAML, unknown media types.

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

describe("requests the URL does not agree with", () => {
  it.each<[string, string, Any, number, RegExp]>([
    ["wrong kind", DS, { ...tutorialDaemonSet("k"), kind: "Deployment" }, 400, /do not match the URL/],
    ["wrong apiVersion", DS, { ...tutorialDaemonSet("k"), apiVersion: "v1" }, 400, /do not match the URL/],
    [
      "another namespace",
      DS,
      { ...tutorialDaemonSet("k"), metadata: { name: "k", namespace: "kube-system" } },
      400,
      /namespace of the provided object/,
    ],
    [
      "a namespace that does not exist",
      "/apis/apps/v1/namespaces/ghost/daemonsets",
      tutorialDaemonSet("k"),
      404,
      /namespaces "ghost" not found/,
    ],
    ["no name", DS, { ...tutorialDaemonSet("k"), metadata: {} }, 422, /metadata.name: Required value/],
  ])("%s", async (_name, path, body, code, message) => {
    const r = await call(h, "POST", path, { body });
    expect(r.status).toBe(code);
    expect(r.json.message).toMatch(message);
    expect(h.store.get("daemonsets", "default", "k")).toBeUndefined();
  });

  it("names a generateName'd object", async () => {
    const r = await call(h, "POST", DS, {
      body: { ...tutorialDaemonSet("g"), metadata: { generateName: "gen-" } },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.json.metadata.name).toMatch(/^gen-.+/);
  });
});

describe("unknown fields, sizes and formats", () => {
  it("rejects unknown fields with fieldValidation=Strict", async () => {
    const body: Any = tutorialDaemonSet("strict");
    body.spec.foo = 1;
    body.spec.template.spec.bar = true;
    const r = await call(h, "POST", `${DS}?fieldValidation=Strict`, { body });
    expect(r.status).toBe(400);
    expect(r.json.reason).toBe("BadRequest");
    expect(r.json.message).toMatch(
      /^strict decoding error: unknown field "spec\.(foo|template\.spec\.bar)", unknown field "spec\./,
    );
    expect(h.store.get("daemonsets", "default", "strict")).toBeUndefined();
  });

  it("warns about them with Warn and says nothing with Ignore", async () => {
    const body: Any = tutorialDaemonSet("warned");
    body.spec.foo = 1;
    const warned = await call(h, "POST", `${DS}?fieldValidation=Warn`, { body });
    expect(warned.status).toBe(201);
    expect(warned.headers.get("warning")).toBe('299 - "unknown field \\"spec.foo\\""');
    body.metadata.name = "ignored";
    const ignored = await call(h, "POST", `${DS}?fieldValidation=Ignore`, { body });
    expect(ignored.status).toBe(201);
    expect(ignored.headers.get("warning")).toBeNull();
  });

  it("answers 413 for a body over the limit", async () => {
    const body: Any = tutorialDaemonSet("huge");
    body.metadata.annotations = { big: "x".repeat(70 * 1024) };
    const r = await call(h, "POST", DS, { body });
    expect(r.status).toBe(413);
    expect(r.json.reason).toBe("RequestEntityTooLarge");
  });

  it.each([
    ["malformed JSON", '{"apiVersion": "apps/v1", ', "application/json"],
    ["malformed YAML", "metadata: [unclosed\n  name: x", "application/yaml"],
    ["a JSON array", "[1,2]", "application/json"],
  ])("answers 400 for %s", async (_name, text, type) => {
    const r = await call(h, "POST", DS, { body: text, contentType: type });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: "Status", reason: "BadRequest" });
  });

  it("answers 415 for protobuf bodies", async () => {
    const r = await call(h, "POST", DS, {
      body: "\u0000",
      contentType: "application/vnd.kubernetes.protobuf",
    });
    expect(r.status).toBe(415);
  });
});
