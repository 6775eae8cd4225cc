import { describe, expect, it } from "vitest";
import type { Pod, Volume } from "../../shared/api-types.js";
import { ConfigSet } from "./config-set.js";
import { isConfigVolume, planVolume } from "./volume-plan.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const config = new ConfigSet({
  configMaps: [
    {
      namespace: "ns",
      name: "app",
      uid: "c",
      resourceVersion: "1",
      data: { "app.conf": "x=1", "other.conf": "y=2" },
      binaryData: { "logo.bin": b64("\u0001\u0002") },
    },
  ],
  secrets: [
    { namespace: "ns", name: "tls", uid: "s", resourceVersion: "2", data: { "tls.key": b64("KEY") } },
  ],
  withheld: [],
});
const POD: Pod = {
  metadata: {
    namespace: "ns",
    name: "agent-x",
    uid: "u-1",
    labels: { b: "2", a: 'say "hi"' },
    annotations: { team: "infra" },
  },
  spec: { containers: [{ name: "c", image: "i", resources: { limits: { memory: "64Mi" } } }] },
};
const FACTS = { nodeName: "n1", hostIP: "10.0.0.5", podIP: "" };
const plan = (volume: Record<string, unknown>) =>
  planVolume(POD, { name: "v", ...volume } as Volume, config, FACTS).map((f) => [
    f.path,
    f.data.toString("utf8"),
    f.mode.toString(8),
  ]);

describe("planVolume", () => {
  it.each<[string, Record<string, unknown>, [string, string, string][]]>([
    [
      "every key of a ConfigMap, binaryData too, mode 0644",
      { configMap: { name: "app" } },
      [
        ["app.conf", "x=1", "644"],
        ["other.conf", "y=2", "644"],
        ["logo.bin", "\u0001\u0002", "644"],
      ],
    ],
    [
      "items at their paths, defaultMode and a per-item mode",
      {
        configMap: {
          name: "app",
          defaultMode: 0o600,
          items: [
            { key: "app.conf", path: "conf/main.conf" },
            { key: "other.conf", path: "o", mode: 0o400 },
          ],
        },
      },
      [
        ["conf/main.conf", "x=1", "600"],
        ["o", "y=2", "400"],
      ],
    ],
    ["a Secret, decoded", { secret: { secretName: "tls", defaultMode: 0o400 } }, [["tls.key", "KEY", "400"]]],
    ["an optional missing Secret: no files", { secret: { secretName: "none", optional: true } }, []],
    [
      "an optional ConfigMap's missing item: left out",
      { configMap: { name: "app", optional: true, items: [{ key: "zz", path: "zz" }] } },
      [],
    ],
    [
      "downward API fields, labels and annotations as the kubelet formats them, a resource",
      {
        downwardAPI: {
          items: [
            { path: "name", fieldRef: { fieldPath: "metadata.name" } },
            { path: "ns", fieldRef: { fieldPath: "metadata.namespace" } },
            { path: "uid", fieldRef: { fieldPath: "metadata.uid" } },
            { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
            { path: "team", fieldRef: { fieldPath: "metadata.annotations['team']" } },
            {
              path: "mem",
              resourceFieldRef: { containerName: "c", resource: "limits.memory", divisor: "1Mi" },
              mode: 0o444,
            },
          ],
        },
      },
      [
        ["name", "agent-x", "644"],
        ["ns", "ns", "644"],
        ["uid", "u-1", "644"],
        ["labels", 'a="say \\"hi\\""\nb="2"', "644"],
        ["team", "infra", "644"],
        ["mem", "64", "444"],
      ],
    ],
    [
      "projected sources merged, with the volume's defaultMode",
      {
        projected: {
          defaultMode: 0o440,
          sources: [
            { configMap: { name: "app", items: [{ key: "app.conf", path: "app.conf" }] } },
            { secret: { name: "tls" } },
            { downwardAPI: { items: [{ path: "name", fieldRef: { fieldPath: "metadata.name" } }] } },
          ],
        },
      },
      [
        ["app.conf", "x=1", "440"],
        ["tls.key", "KEY", "440"],
        ["name", "agent-x", "440"],
      ],
    ],
  ])("%s", (_what, volume, files) => {
    expect(plan(volume)).toEqual(files);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a missing ConfigMap", { configMap: { name: "none" } }, 'configmap "none" not found'],
    ["a missing Secret", { secret: { secretName: "none" } }, 'secret "none" not found'],
    [
      "a missing ConfigMap key",
      { configMap: { name: "app", items: [{ key: "zz", path: "zz" }] } },
      "configmap references non-existent config key: zz",
    ],
    [
      "a missing Secret key",
      { secret: { secretName: "tls", items: [{ key: "zz", path: "zz" }] } },
      "references non-existent secret key: zz",
    ],
    [
      "a projected missing source",
      { projected: { sources: [{ secret: { name: "none" } }] } },
      'secret "none" not found',
    ],
    [
      "a path that climbs out",
      { configMap: { name: "app", items: [{ key: "app.conf", path: "../x" }] } },
      "must not contain '..'",
    ],
    [
      "an absolute path",
      { configMap: { name: "app", items: [{ key: "app.conf", path: "/etc/x" }] } },
      "must be relative",
    ],
  ])("refuses %s", (_what, volume, message) => {
    expect(() => plan(volume)).toThrow(message);
  });
});

describe("planVolume, projected serviceAccountToken sources", () => {
  const volume = {
    name: "v",
    projected: {
      defaultMode: 0o400,
      sources: [{ serviceAccountToken: { path: "vault-token", audience: "vault", expirationSeconds: 600 } }],
    },
  } as Volume;

  it("writes the token fetched for the source's audience and life, with the volume's defaultMode", () => {
    const asked: unknown[] = [];
    const facts = {
      ...FACTS,
      serviceAccountToken: (s: { audience?: string; expirationSeconds?: number }) => {
        asked.push(s);
        return "JWT";
      },
    };
    const files = planVolume(POD, volume, config, facts);
    expect(files.map((f) => [f.path, f.data.toString("utf8"), f.mode.toString(8)])).toEqual([
      ["vault-token", "JWT", "400"],
    ]);
    expect(asked).toEqual([{ path: "vault-token", audience: "vault", expirationSeconds: 600 }]);
  });

  it("writes the token 0600 under an fsGroup (the group's read bit is added when written), as the kubelet", () => {
    const withGroup = { ...POD, spec: { ...POD.spec, securityContext: { fsGroup: 2000 } } } as Pod;
    const files = planVolume(withGroup, volume, config, { ...FACTS, serviceAccountToken: () => "JWT" });
    expect(files.map((f) => f.mode.toString(8))).toEqual(["600"]);
  });

  it("refuses while the token is not fetched", () => {
    expect(() => planVolume(POD, volume, config, FACTS)).toThrow("failed to fetch token");
  });
});

describe("isConfigVolume", () => {
  it.each([
    [{ name: "a", configMap: { name: "x" } }, true],
    [{ name: "a", projected: { sources: [] } }, true],
    [{ name: "a", hostPath: { path: "/" } }, false],
    [{ name: "a", emptyDir: {} }, false],
  ])("%o: %s", (volume, want) => {
    expect(isConfigVolume(volume as Volume)).toBe(want);
  });
});
