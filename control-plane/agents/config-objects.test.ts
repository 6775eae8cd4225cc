import { describe, expect, it } from "vitest";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import { configChanged, configFor, ConfigReferences, type ConfigResource } from "./config-objects.js";

const cm = (ns: string, name: string, data: Record<string, string>): KubeObject =>
  ({ metadata: { namespace: ns, name, uid: `u-${name}`, resourceVersion: "5" }, data }) as KubeObject;
const secret = (ns: string, name: string, data: Record<string, string>): KubeObject =>
  ({
    metadata: { namespace: ns, name, uid: `u-${name}`, resourceVersion: "6" },
    type: "Opaque",
    data,
  }) as KubeObject;

function podUsing(name: string, spec: Record<string, unknown>, created = "2026-01-01T00:00:00Z"): Pod {
  return {
    metadata: { namespace: "ns", name, uid: `uid-${name}`, creationTimestamp: created },
    spec: { containers: [{ name: "c", image: "i" }], ...spec },
  } as Pod;
}

const objects: Record<string, KubeObject> = {
  "configmaps/ns/conf": cm("ns", "conf", { a: "1" }),
  "configmaps/other/conf": cm("other", "conf", { a: "x" }),
  "secrets/ns/token": secret("ns", "token", { t: "c2VjcmV0" }),
  "secrets/ns/unused": secret("ns", "unused", { t: "eA==" }),
};
const read = (r: ConfigResource, ns: string, name: string) => objects[`${r}/${ns}/${name}`];

const volumes = {
  volumes: [
    { name: "v", configMap: { name: "conf" } },
    { name: "s", secret: { secretName: "token" } },
  ],
};

describe("configFor", () => {
  it("sends only the objects the node's pods name, in their namespace, and only those that exist", () => {
    const env = {
      containers: [
        {
          name: "c",
          image: "i",
          envFrom: [{ configMapRef: { name: "missing" } }, { secretRef: { name: "token" } }],
        },
      ],
    };
    const { config, referenced } = configFor(read, [podUsing("a", volumes), podUsing("b", env)]);
    expect(config.configMaps.map((o) => `${o.namespace}/${o.name}`)).toEqual(["ns/conf"]);
    expect(config.secrets).toEqual([
      {
        namespace: "ns",
        name: "token",
        uid: "u-token",
        resourceVersion: "6",
        type: "Opaque",
        data: { t: "c2VjcmV0" },
      },
    ]);
    expect(config.withheld).toEqual([]);
    // A missing object is named too: creating it must send the set again.
    expect([...referenced].sort()).toEqual([
      "configmaps/ns/conf",
      "configmaps/ns/missing",
      "secrets/ns/token",
    ]);
  });

  it("adds a pre-pull's pull Secrets after the pods' objects, each once, and names the missing", () => {
    const pulls = [
      { namespace: "ns", name: "token" },
      { namespace: "ns", name: "unused" },
      { namespace: "ns", name: "gone" },
    ];
    const { config, referenced } = configFor(read, [podUsing("a", volumes)], undefined, pulls);
    expect(config.secrets.map((o) => o.name)).toEqual(["token", "unused"]);
    expect(referenced.has("secrets/ns/gone")).toBe(true);
    // Beyond the node's bound the pre-pull goes without: the pods keep theirs.
    const tight = configFor(read, [podUsing("a", volumes)], { objects: 2, bytes: 1 << 20 }, pulls);
    expect(tight.config.secrets.map((o) => o.name)).toEqual(["token"]);
    expect(tight.config.withheld).toEqual([]);
  });

  it("sends nothing for pods that name nothing", () => {
    expect(configFor(read, [podUsing("a", {})]).config).toEqual({
      configMaps: [],
      secrets: [],
      withheld: [],
    });
  });

  it.each([
    ["the object count", { objects: 1, bytes: 1 << 20 }],
    ["the bytes", { objects: 100, bytes: 150 }],
  ])("withholds the younger pod's objects past %s, with a message", (_what, limits) => {
    const older = podUsing(
      "older",
      { volumes: [{ name: "v", configMap: { name: "conf" } }] },
      "2026-01-01T00:00:00Z",
    );
    const younger = podUsing(
      "younger",
      { volumes: [{ name: "s", secret: { secretName: "token" } }] },
      "2026-01-02T00:00:00Z",
    );
    const { config } = configFor(read, [younger, older], limits);
    expect(config.configMaps.map((o) => o.name)).toEqual(["conf"]);
    expect(config.secrets).toEqual([]);
    expect(config.withheld.map((w) => w.uid)).toEqual(["uid-younger"]);
    expect(config.withheld[0]?.message).toMatch(/over the node's bound of \d+ objects and/);
  });

  it("counts an object two pods share once", () => {
    const { config } = configFor(read, [podUsing("a", volumes), podUsing("b", volumes)], {
      objects: 2,
      bytes: 1 << 20,
    });
    expect(config.configMaps).toHaveLength(1);
    expect(config.secrets).toHaveLength(1);
    expect(config.withheld).toEqual([]);
  });
});

describe("configChanged", () => {
  const before = cm("ns", "conf", { a: "1" });
  it.each([
    ["a creation", { type: "ADDED" as const, object: before }, true],
    ["a deletion", { type: "DELETED" as const, object: before, previous: before }, true],
    [
      "a data change",
      { type: "MODIFIED" as const, object: cm("ns", "conf", { a: "2" }), previous: before },
      true,
    ],
    [
      "a label change",
      {
        type: "MODIFIED" as const,
        object: { ...before, metadata: { ...before.metadata, labels: { x: "y" } } },
        previous: before,
      },
      false,
    ],
  ])("%s: %s", (_what, event, expected) => {
    expect(configChanged(event)).toBe(expected);
  });
});

describe("ConfigReferences", () => {
  it("names the nodes whose last set named an object, and forgets a node", () => {
    const refs = new ConfigReferences();
    refs.set("n1", new Set(["secrets/ns/token", "configmaps/ns/conf"]));
    refs.set("n2", new Set(["configmaps/ns/conf"]));
    expect(refs.nodesUsing("configmaps", cm("ns", "conf", {})).sort()).toEqual(["n1", "n2"]);
    expect(refs.nodesUsing("secrets", secret("ns", "token", {}))).toEqual(["n1"]);
    expect(refs.nodesUsing("configmaps", cm("other", "conf", {}))).toEqual([]);
    refs.set("n1", new Set(["configmaps/ns/conf"]));
    expect(refs.nodesUsing("secrets", secret("ns", "token", {}))).toEqual([]);
    refs.drop("n2");
    expect(refs.nodesUsing("configmaps", cm("ns", "conf", {}))).toEqual(["n1"]);
  });
});
