import { describe, expect, it } from "vitest";
import { EverynodeError } from "../../../shared/errors.js";
import type { ResourceName } from "../kinds/resources.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";

const daemonSet = () => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: {
    name: "nginx",
    namespace: "default",
    annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{old}\n" },
  },
  spec: {
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: {
        containers: [
          {
            name: "nginx",
            image: "nginx",
            imagePullPolicy: "Always",
            ports: [{ containerPort: 80, protocol: "TCP" }],
            env: [{ name: "A", value: "1" }],
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
          { name: "sidecar", image: "busybox" },
        ],
        volumes: [{ name: "data", emptyDir: {} }],
        tolerations: [
          { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
        ],
      },
    },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
  },
});

type Case = [string, ResourceName, () => unknown, unknown, (obj: any) => void];

const cases: Case[] = [
  [
    "kubectl apply: image change with $setElementOrder/containers merges containers by name",
    "daemonsets",
    daemonSet,
    {
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{new}\n" } },
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }],
            containers: [{ image: "nginx:1.27", name: "nginx" }],
          },
        },
      },
    },
    (ds) => {
      const [first, second] = ds.spec.template.spec.containers;
      expect(first).toEqual({ ...daemonSet().spec.template.spec.containers[0], image: "nginx:1.27" });
      expect(second).toEqual({ name: "sidecar", image: "busybox" });
      expect(ds.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toBe("{new}\n");
      expect(ds.spec.template.spec).not.toHaveProperty("$setElementOrder/containers");
    },
  ],
  [
    "$setElementOrder reorders the merged list",
    "daemonsets",
    daemonSet,
    {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "sidecar" }, { name: "nginx" }],
            containers: [{ name: "sidecar", image: "busybox:2" }],
          },
        },
      },
    },
    (ds) =>
      expect(ds.spec.template.spec.containers.map((c: any) => [c.name, c.image])).toEqual([
        ["sidecar", "busybox:2"],
        ["nginx", "nginx"],
      ]),
  ],
  [
    "a new container is appended; ports merge by containerPort inside the template",
    "daemonsets",
    daemonSet,
    {
      spec: {
        template: {
          spec: {
            containers: [
              { name: "nginx", ports: [{ containerPort: 443 }] },
              { name: "extra", image: "x" },
            ],
          },
        },
      },
    },
    (ds) => {
      expect(ds.spec.template.spec.containers.map((c: any) => c.name)).toEqual(["nginx", "sidecar", "extra"]);
      expect(ds.spec.template.spec.containers[0].ports).toEqual([
        { containerPort: 80, protocol: "TCP" },
        { containerPort: 443 },
      ]);
    },
  ],
  [
    "env by name, volumeMounts by mountPath, volumes by name",
    "daemonsets",
    daemonSet,
    {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "nginx",
                env: [
                  { name: "A", value: "2" },
                  { name: "B", value: "3" },
                ],
                volumeMounts: [{ name: "logs", mountPath: "/logs" }],
              },
            ],
            volumes: [{ name: "logs", hostPath: { path: "/var/log" } }],
          },
        },
      },
    },
    (ds) => {
      const c = ds.spec.template.spec.containers[0];
      expect(c.env).toEqual([
        { name: "A", value: "2" },
        { name: "B", value: "3" },
      ]);
      expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(["/data", "/logs"]);
      expect(ds.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(["data", "logs"]);
    },
  ],
  [
    "tolerations have no merge key: replaced",
    "daemonsets",
    daemonSet,
    { spec: { template: { spec: { tolerations: [{ operator: "Exists" }] } } } },
    (ds) => expect(ds.spec.template.spec.tolerations).toEqual([{ operator: "Exists" }]),
  ],
  [
    "$patch: delete removes a container by name",
    "daemonsets",
    daemonSet,
    { spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } },
    (ds) => expect(ds.spec.template.spec.containers.map((c: any) => c.name)).toEqual(["nginx"]),
  ],
  [
    "$patch: replace on a list item replaces that container",
    "daemonsets",
    daemonSet,
    {
      spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:2", $patch: "replace" }] } } },
    },
    (ds) => expect(ds.spec.template.spec.containers[0]).toEqual({ name: "nginx", image: "nginx:2" }),
  ],
  [
    "{$patch: replace} as a list element replaces the whole list",
    "daemonsets",
    daemonSet,
    { spec: { template: { spec: { containers: [{ $patch: "replace" }, { name: "only", image: "x" }] } } } },
    (ds) => expect(ds.spec.template.spec.containers).toEqual([{ name: "only", image: "x" }]),
  ],
  [
    "$patch: replace on a map replaces it",
    "daemonsets",
    daemonSet,
    { spec: { updateStrategy: { $patch: "replace", type: "OnDelete" } } },
    (ds) => expect(ds.spec.updateStrategy).toEqual({ type: "OnDelete" }),
  ],
  [
    "$patch: delete on a map removes it",
    "daemonsets",
    daemonSet,
    { spec: { updateStrategy: { $patch: "delete" } } },
    (ds) => expect(ds.spec).not.toHaveProperty("updateStrategy"),
  ],
  [
    "$retainKeys clears the keys it does not list",
    "daemonsets",
    daemonSet,
    { spec: { updateStrategy: { $retainKeys: ["type"], type: "OnDelete" } } },
    (ds) => expect(ds.spec.updateStrategy).toEqual({ type: "OnDelete" }),
  ],
];

describe("applyStrategicMergePatch", () => {
  it.each(cases)("%s", (_name, resource, make, patch, check) => {
    const input = make();
    const result = applyStrategicMergePatch(input, patch, resource);
    check(result);
    expect(input).toEqual(make());
  });

  it("creates merge-key lists from nothing and strips directives", () => {
    const result = applyStrategicMergePatch(
      { metadata: { name: "ds" } },
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "a" }],
              containers: [
                { name: "a", image: "x" },
                { name: "gone", $patch: "delete" },
              ],
            },
          },
        },
      },
      "daemonsets",
    );
    expect(result).toEqual({
      metadata: { name: "ds" },
      spec: { template: { spec: { containers: [{ name: "a", image: "x" }] } } },
    });
  });

  it.each([
    ["a non-object body", [{ op: "add" }], /must be a JSON object/],
    [
      "an item without its merge key",
      { spec: { template: { spec: { containers: [{ image: "x" }] } } } },
      /does not contain declared merge key: name/,
    ],
    ["an unknown $patch directive", { spec: { $patch: "explode" } }, /unknown \$patch directive "explode"/],
  ])("rejects %s with BadRequest", (_name, patch, message) => {
    let caught: unknown;
    try {
      applyStrategicMergePatch(daemonSet(), patch, "daemonsets");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EverynodeError);
    expect((caught as EverynodeError).code).toBe("BadRequest");
    expect((caught as EverynodeError).message).toMatch(message);
  });
});

describe("applyStrategicMergePatch: prototype keys and long lists", () => {
  it("merges __proto__ and constructor as plain keys", () => {
    const patch = JSON.parse(
      '{"spec":{"__proto__":{"x":1},"constructor":{"y":2},"template":{"spec":{"toString":{"z":3}}}}}',
    );
    const result = applyStrategicMergePatch(daemonSet(), patch, "daemonsets") as Record<string, any>;
    expect(Object.getPrototypeOf(result.spec)).toBe(Object.prototype);
    expect(Object.hasOwn(result.spec, "__proto__")).toBe(true);
    expect(result.spec.x).toBeUndefined();
    expect(result.spec.constructor).toEqual({ y: 2 });
    expect(result.spec.template.spec.toString).toEqual({ z: 3 });
  });

  it("merges lists by key with duplicates, deletes and order as before", () => {
    const target = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: "a", image: "1" },
              { name: "b", image: "1" },
              { name: "a", image: "dup" },
              { name: "c", image: "1" },
            ],
          },
        },
      },
    };
    const patch = {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }, { name: "a" }, { name: "d" }],
            containers: [
              { name: "a", $patch: "delete" },
              { name: "a", image: "2" },
              { name: "d", image: "new" },
              { name: "b", $patch: "delete" },
            ],
          },
        },
      },
    };
    const result = applyStrategicMergePatch(target, patch, "daemonsets") as any;
    // The first "a" is deleted, the duplicate takes the patch; unnamed items follow the named.
    expect(result.spec.template.spec.containers).toEqual([
      { name: "c", image: "1" },
      { name: "a", image: "2" },
      { name: "d", image: "new" },
    ]);
  });

  it("merges sets and deletes from primitive lists by value", () => {
    const target = { metadata: { finalizers: ["a", "b"] }, spec: { podCIDRs: ["10.0.0.0/24"] } };
    const patch = {
      metadata: { finalizers: ["b", "c", "c"], "$deleteFromPrimitiveList/finalizers": ["a"] },
    };
    const result = applyStrategicMergePatch(target, patch, "nodes") as any;
    expect(result.metadata.finalizers).toEqual(["b", "c"]);
  });
});
