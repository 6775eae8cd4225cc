import { describe, expect, it } from "vitest";
import type { ConfigMap, Secret } from "../../../shared/config-types.js";
import { applySecretDefaults } from "../secret-defaults.js";
import { MAX_CONFIG_BYTES, validateConfigMap, validateSecret } from "./config-data.js";

const meta = { name: "c", namespace: "default" };
const fields = (errs: { field: string }[]) => errs.map((e) => e.field);
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("validateConfigMap", () => {
  it.each<[string, Partial<ConfigMap>, string[]]>([
    ["plain data", { data: { "app.properties": "x", KEY_1: "y", "a-b": "" } }, []],
    ["a slash in a key", { data: { "a/b": "x" } }, ["data"]],
    ["a key of ..", { data: { "..": "x" } }, ["data"]],
    ["a key starting with ..", { data: { "..data": "x" } }, ["data"]],
    ["a value that is not a string", { data: { a: 1 as unknown as string } }, ["data[a]"]],
    ["binaryData not base64", { binaryData: { a: "***" } }, ["binaryData[a]"]],
    ["one key in both maps", { data: { a: "x" }, binaryData: { a: "eA==" } }, ["data"]],
    ["over 1 MiB", { data: { a: "x".repeat(MAX_CONFIG_BYTES) } }, [""]],
    ["immutable not a boolean", { immutable: "yes" as unknown as boolean }, ["immutable"]],
  ])("%s", (_name, body, expected) => {
    expect(fields(validateConfigMap({ metadata: meta, ...body }))).toEqual(expected);
  });

  it("keeps an immutable ConfigMap's data and flag, lets its labels change", () => {
    const old: ConfigMap = { metadata: meta, data: { a: "1" }, immutable: true };
    expect(validateConfigMap({ ...old, metadata: { ...meta, labels: { x: "y" } } }, old)).toEqual([]);
    expect(fields(validateConfigMap({ ...old, data: { a: "2" } }, old))).toEqual(["data"]);
    expect(fields(validateConfigMap({ ...old, immutable: false }, old))).toEqual(["immutable"]);
    expect(
      validateConfigMap({ ...old, immutable: true, data: { a: "2" } }, { ...old, immutable: false }),
    ).toEqual([]);
  });
});

describe("Secrets", () => {
  const secret = (body: Partial<Secret>): Secret => applySecretDefaults({ metadata: meta, ...body });

  it("merges stringData into data and defaults the type", () => {
    expect(secret({ data: { a: b64("1"), b: b64("2") }, stringData: { b: "3" } })).toEqual({
      metadata: meta,
      type: "Opaque",
      data: { a: b64("1"), b: b64("3") },
    });
  });

  it.each<[string, Partial<Secret>, string[]]>([
    ["opaque", { data: { a: b64("x") } }, []],
    ["data not base64", { data: { a: "not base64!" } }, ["data[a]"]],
    [
      "dockerconfigjson without its key",
      { type: "kubernetes.io/dockerconfigjson", data: {} },
      ["data[.dockerconfigjson]"],
    ],
    [
      "dockerconfigjson not JSON",
      { type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64("{") } },
      ["data[.dockerconfigjson]"],
    ],
    ["tls without its keys", { type: "kubernetes.io/tls", data: { "tls.crt": b64("c") } }, ["data[tls.key]"]],
    [
      "basic-auth with neither",
      { type: "kubernetes.io/basic-auth", data: {} },
      ["data[username]", "data[password]"],
    ],
    [
      "a service-account token without its account",
      { type: "kubernetes.io/service-account-token" },
      ["metadata.annotations[kubernetes.io/service-account.name]"],
    ],
    ["over 1 MiB", { data: { a: Buffer.alloc(MAX_CONFIG_BYTES).toString("base64") } }, ["data"]],
  ])("%s", (_name, body, expected) => {
    expect(fields(validateSecret(secret(body)))).toEqual(expected);
  });

  it("keeps the type, and an immutable Secret's data", () => {
    const old = secret({ data: { a: b64("1") }, immutable: true });
    expect(fields(validateSecret({ ...old, type: "kubernetes.io/tls" }, old))).toContain("type");
    expect(fields(validateSecret({ ...old, data: { a: b64("2") } }, old))).toEqual(["data"]);
  });
});
