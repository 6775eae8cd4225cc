import { describe, expect, it } from "vitest";
import { configKeysOf, podReferences, referencedNames, unmetReferences } from "./pod-references.js";

const spec = {
  serviceAccountName: "agent",
  automountServiceAccountToken: false,
  imagePullSecrets: [{ name: "pull" }],
  volumes: [
    { name: "cfg", configMap: { name: "settings", items: [{ key: "app.conf", path: "app.conf" }] } },
    { name: "tls", secret: { secretName: "certs", optional: true } },
    {
      name: "all",
      projected: { sources: [{ configMap: { name: "extra" } }, { secret: { name: "token" } }] },
    },
    { name: "host", hostPath: { path: "/var/log" } },
  ],
  initContainers: [{ name: "init", envFrom: [{ configMapRef: { name: "settings" } }] }],
  containers: [
    {
      name: "app",
      env: [
        { name: "A", value: "1" },
        { name: "B", valueFrom: { configMapKeyRef: { name: "settings", key: "level" } } },
        { name: "C", valueFrom: { secretKeyRef: { name: "db", key: "password", optional: false } } },
        { name: "D", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      ],
      envFrom: [{ secretRef: { name: "env-secret", optional: true } }],
    },
  ],
};

describe("podReferences", () => {
  const refs = podReferences(spec);

  it("finds every ConfigMap and Secret, with where and whether it may be missing", () => {
    expect(refs.configMaps.map((r) => [r.name, r.path, r.optional, r.keys])).toEqual([
      ["settings", "spec.volumes[0].configMap", false, ["app.conf"]],
      ["extra", "spec.volumes[2].projected.sources[0].configMap", false, undefined],
      ["settings", "spec.initContainers[0].envFrom[0].configMapRef", false, undefined],
      ["settings", "spec.containers[0].env[1].valueFrom.configMapKeyRef", false, ["level"]],
    ]);
    expect(refs.secrets.map((r) => [r.name, r.optional])).toEqual([
      ["certs", true],
      ["token", false],
      ["db", false],
      ["env-secret", true],
      ["pull", true],
    ]);
    expect(referencedNames(refs.configMaps)).toEqual(["settings", "extra"]);
    expect([refs.serviceAccount, refs.automountToken]).toEqual(["agent", false]);
    expect(podReferences({}).serviceAccount).toBe("default");
  });

  it("names what keeps the pod waiting: missing objects and keys, never optional ones", () => {
    const existing: Record<string, string[]> = {
      settings: ["app.conf"],
      extra: [],
      token: [],
      db: ["password"],
    };
    const unmet = unmetReferences([...refs.configMaps, ...refs.secrets], (n) => existing[n]);
    expect(unmet.map((u) => [u.ref.path, u.missingKey])).toEqual([
      ["spec.containers[0].env[1].valueFrom.configMapKeyRef", "level"],
    ]);
    expect(unmetReferences(refs.secrets, () => undefined).map((u) => u.ref.name)).toEqual(["token", "db"]);
  });
});

describe("configKeysOf", () => {
  it("names each object once, in the pod's namespace", () => {
    const keys = configKeysOf({ metadata: { namespace: "logging" }, spec });
    expect(keys.configMaps).toEqual([...new Set(keys.configMaps)]);
    expect(keys.configMaps.every((k) => k.startsWith("logging/"))).toBe(true);
    expect(keys.secrets.every((k) => k.startsWith("logging/"))).toBe(true);
    expect(configKeysOf({ metadata: {}, spec: {} })).toEqual({ configMaps: [], secrets: [] });
  });
});
