import { describe, expect, it } from "vitest";
import type { Container, Pod } from "../../shared/api-types.js";
import { ConfigSet } from "./config-set.js";
import { resolveProcess } from "./env.js";
import { envFromVars, envNotices, keyRefValue } from "./env-sources.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const config = new ConfigSet({
  configMaps: [
    {
      namespace: "ns",
      name: "settings",
      uid: "u1",
      resourceVersion: "1",
      data: { LEVEL: "debug", "log.format": "json", "1st": "x", "bad key": "y" },
      binaryData: { blob: b64("bin") },
    },
  ],
  secrets: [
    {
      namespace: "ns",
      name: "creds",
      uid: "u2",
      resourceVersion: "2",
      type: "Opaque",
      data: { PASSWORD: b64("s3cret") },
    },
  ],
  withheld: [],
});
const FACTS = { nodeName: "n1", hostIP: "10.0.0.5", podIP: "10.0.0.6", config };
const pod = (container: Partial<Container>): Pod => ({
  metadata: { namespace: "ns", name: "p", uid: "p1" },
  spec: { containers: [{ name: "app", image: "i", ...container }] },
});

describe("keyRefValue", () => {
  it.each([
    ["a ConfigMap key", "ConfigMap", { name: "settings", key: "LEVEL" }, "debug"],
    ["a Secret key, decoded", "Secret", { name: "creds", key: "PASSWORD" }, "s3cret"],
    ["an optional missing object", "ConfigMap", { name: "none", key: "k", optional: true }, undefined],
    ["an optional missing key", "Secret", { name: "creds", key: "nope", optional: true }, undefined],
    [
      "a binaryData key (the kubelet reads data only)",
      "ConfigMap",
      { name: "settings", key: "blob", optional: true },
      undefined,
    ],
  ] as const)("%s", (_what, kind, ref, want) => {
    expect(keyRefValue(config, "ns", kind, ref)).toBe(want);
  });

  it.each([
    ["ConfigMap", { name: "none", key: "k" }, 'configmap "none" not found'],
    ["Secret", { name: "none", key: "k" }, 'secret "none" not found'],
    ["ConfigMap", { name: "settings", key: "k" }, "couldn't find key k in ConfigMap ns/settings"],
    ["Secret", { name: "creds", key: "k" }, "couldn't find key k in Secret ns/creds"],
    // Another namespace's object of the same name is not found.
    ["ConfigMap", { name: "settings", key: "LEVEL" }, 'configmap "settings" not found', "other"],
  ] as ["ConfigMap" | "Secret", { name: string; key: string }, string, string?][])(
    "%s %o: %s",
    (kind, ref, message, ns = "ns") => {
      expect(() => keyRefValue(config, ns, kind, ref)).toThrow(message);
    },
  );
});

describe("envFromVars", () => {
  it("takes every valid key, with the prefix, and tells the skipped ones as the kubelet does", () => {
    const { vars, skipped } = envFromVars(config, "ns", {
      name: "app",
      envFrom: [{ configMapRef: { name: "settings" }, prefix: "CFG_" }, { secretRef: { name: "creds" } }],
    });
    expect(Object.fromEntries(vars)).toEqual({
      CFG_LEVEL: "debug",
      "CFG_log.format": "json",
      CFG_1st: "x",
      PASSWORD: "s3cret",
    });
    expect(skipped.map((s) => s.message)).toEqual([
      "Keys [CFG_bad key] from the EnvFrom configMap ns/settings were skipped since they are considered invalid environment variable names.",
    ]);
  });

  it("skips a key that is no variable name without a prefix", () => {
    const { vars, skipped } = envFromVars(config, "ns", {
      name: "app",
      envFrom: [{ configMapRef: { name: "settings" } }],
    });
    expect(vars.has("1st")).toBe(false);
    expect(skipped[0]?.message).toMatch(/^Keys \[1st, bad key\] from the EnvFrom configMap ns\/settings/);
  });

  it("leaves out an optional missing source, and stops on a required one", () => {
    const optional = { name: "app", envFrom: [{ secretRef: { name: "none", optional: true } }] };
    expect(envFromVars(config, "ns", optional).vars.size).toBe(0);
    expect(() =>
      envFromVars(config, "ns", { name: "app", envFrom: [{ configMapRef: { name: "none" } }] }),
    ).toThrow('configmap "none" not found');
  });
});

describe("resolveProcess with ConfigMaps and Secrets", () => {
  it("puts envFrom first, lets env override it, and expands $(VAR) from both", () => {
    const p = pod({
      envFrom: [{ configMapRef: { name: "settings" } }],
      env: [
        { name: "LEVEL", value: "info" },
        { name: "PASS", valueFrom: { secretKeyRef: { name: "creds", key: "PASSWORD" } } },
        { name: "URL", value: "db://$(PASS)@host/$(LEVEL)/$(log.format)" },
        { name: "GONE", valueFrom: { configMapKeyRef: { name: "none", key: "k", optional: true } } },
      ],
      args: ["--level=$(LEVEL)"],
    });
    const proc = resolveProcess(p, p.spec.containers[0] as Container, FACTS);
    expect(proc.env).toEqual([
      "LEVEL=info",
      "log.format=json",
      "PASS=s3cret",
      "URL=db://s3cret@host/info/json",
    ]);
    expect(proc.args).toEqual(["--level=info"]);
  });

  it("stops with the kubelet's message for a missing required key", () => {
    const p = pod({
      env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "settings", key: "missing" } } }],
    });
    expect(() => resolveProcess(p, p.spec.containers[0] as Container, FACTS)).toThrow(
      "couldn't find key missing in ConfigMap ns/settings",
    );
  });

  it("finds nothing without a config set", () => {
    const p = pod({ env: [{ name: "X", valueFrom: { secretKeyRef: { name: "creds", key: "PASSWORD" } } }] });
    expect(() =>
      resolveProcess(p, p.spec.containers[0] as Container, { ...FACTS, config: undefined }),
    ).toThrow('secret "creds" not found');
  });
});

describe("envNotices", () => {
  it("names the container of each skipped-keys notice, and none for a missing source", () => {
    const p = pod({ envFrom: [{ configMapRef: { name: "settings" } }] });
    p.spec.containers.push({ name: "other", image: "i", envFrom: [{ configMapRef: { name: "none" } }] });
    expect(envNotices(config, p)).toEqual([
      expect.stringMatching(/^app: Keys \[1st, bad key\] from the EnvFrom/),
    ]);
  });
});
