import { describe, expect, expectTypeOf, it } from "vitest";
import type { DaemonSet, KubeObject, Pod } from "../../../shared/api-types.js";
import { RESOURCES, type ResourceName } from "./resources.js";
import { applyDaemonSetDefaults } from "../defaults.js";
import { tutorialDaemonSet } from "../validation/test-manifests.js";
import { buildRegistry } from "../schema/registry.js";
import { KINDS, REGISTRY } from "./index.js";
import type { KindDescription } from "./kind.js";
import { selectableFields } from "./selectable-fields.js";

const stored = KINDS.filter((k) => k.servedBy === "store");

describe("the registry's resource table", () => {
  // [resource, kind, group, namespaced, shortNames, categories, subresources]
  const expected: [string, string, string, boolean, string[], string[], string[]][] = [
    ["nodes", "Node", "", false, ["no"], [], ["status"]],
    ["pods", "Pod", "", true, ["po"], ["all"], ["status", "log", "eviction"]],
    ["namespaces", "Namespace", "", false, ["ns"], [], ["status"]],
    ["events", "Event", "", true, ["ev"], [], []],
    ["daemonsets", "DaemonSet", "apps", true, ["ds"], ["all"], ["status"]],
    ["controllerrevisions", "ControllerRevision", "apps", true, [], [], []],
    ["configmaps", "ConfigMap", "", true, ["cm"], [], []],
    ["secrets", "Secret", "", true, [], [], []],
    ["serviceaccounts", "ServiceAccount", "", true, ["sa"], [], ["token"]],
    ["roles", "Role", "rbac.authorization.k8s.io", true, [], [], []],
    ["clusterroles", "ClusterRole", "rbac.authorization.k8s.io", false, [], [], []],
    ["rolebindings", "RoleBinding", "rbac.authorization.k8s.io", true, [], [], []],
    ["clusterrolebindings", "ClusterRoleBinding", "rbac.authorization.k8s.io", false, [], [], []],
  ];

  it("holds the stored kinds, in registry order", () => {
    expect(Object.values(RESOURCES)).toEqual(
      expected.map(([resource, kind, group, namespaced, shortNames, categories, subresources]) => ({
        resource,
        singular: kind.toLowerCase(),
        kind,
        listKind: `${kind}List`,
        group,
        version: "v1",
        namespaced,
        shortNames,
        categories,
        subresources,
      })),
    );
    expect(Object.keys(RESOURCES)).toEqual(expected.map(([r]) => r));
  });

  it("names the same resources as ResourceName", () => {
    expectTypeOf<ResourceName>().toEqualTypeOf<
      | "nodes"
      | "pods"
      | "namespaces"
      | "events"
      | "daemonsets"
      | "controllerrevisions"
      | "configmaps"
      | "secrets"
      | "serviceaccounts"
      | "roles"
      | "clusterroles"
      | "rolebindings"
      | "clusterrolebindings"
    >();
  });

  it("leaves out the kinds with routers of their own", () => {
    expect(KINDS.filter((k) => k.servedBy === "router").map((k) => `${k.resource}.${k.group}`)).toEqual([
      "leases.coordination.k8s.io",
      "jointokens.everynode.io",
      "nodes.metrics.k8s.io",
      "pods.metrics.k8s.io",
    ]);
  });

  it("answers byResource with the stored kind where metrics.k8s.io shares its name", () => {
    expect(REGISTRY.byResource("nodes")?.kind).toBe("Node");
    expect(REGISTRY.byResource("pods")?.kind).toBe("Pod");
    expect(REGISTRY.byGroupResource("metrics.k8s.io", "pods")?.kind).toBe("PodMetrics");
    expect(REGISTRY.byGroupResource("", "pods")?.kind).toBe("Pod");
  });
});

describe("buildRegistry refuses an inconsistent list", () => {
  const ds = KINDS[4];
  it.each<[string, KindDescription[], RegExp]>([
    ["a resource twice", [ds, { ...ds, kind: "Other" }], /two kinds are served as daemonsets/],
    ["a missing definition", [{ ...ds, definition: "io.example.v1.Nothing" }], /no definition/],
    ["a short name twice", [ds, { ...ds, resource: "others", shortNames: ["ds"] }], /short name ds/],
  ])("%s", (_name, kinds, message) => {
    expect(() => buildRegistry(kinds)).toThrow(message);
  });
});

const META = ["metadata.name", "metadata.namespace"];
const INVOLVED = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];
const SELECTABLE: Record<ResourceName, string[]> = {
  nodes: [...META, "spec.unschedulable"],
  pods: [
    ...META,
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  namespaces: [...META, "status.phase"],
  events: [
    ...META,
    ...INVOLVED.map((f) => `involvedObject.${f}`),
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  daemonsets: META,
  controllerrevisions: META,
  configmaps: META,
  secrets: [...META, "type"],
  serviceaccounts: META,
  roles: META,
  clusterroles: META,
  rolebindings: META,
  clusterrolebindings: META,
};

describe.each(stored)("field selectors of $resource", (kind) => {
  const fields = selectableFields(kind);

  it("are the kind file's, besides metadata.name and metadata.namespace", () => {
    expect(Object.keys(fields)).toEqual(SELECTABLE[kind.resource as ResourceName]);
  });

  it("take no inherited name", () => {
    expect(fields["constructor"]).toBeUndefined();
    expect(Object.getPrototypeOf(fields)).toBeNull();
  });
});

/** The object with the value at a dotted path replaced. */
function changedAt<T extends KubeObject>(object: T, path: string, value: unknown): T {
  const copy = structuredClone(object) as Record<string, unknown>;
  const parts = path.split(".");
  let node = copy;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  node[parts.at(-1) as string] = value;
  return copy as T;
}

describe("immutable fields are refused on update by the validate hook", () => {
  const ds = applyDaemonSetDefaults(tutorialDaemonSet());
  const pod: Pod = {
    metadata: { name: "p", namespace: "default" },
    spec: { ...ds.spec.template.spec, nodeName: "n1" },
  };
  const cases: [KindDescription, KubeObject, unknown][] = [
    [REGISTRY.byResource("daemonsets") as KindDescription, ds, { matchLabels: { app: "other" } }],
    [REGISTRY.byResource("pods") as KindDescription, pod, { nodeName: "n2", containers: [] }],
    [
      REGISTRY.byResource("configmaps") as KindDescription,
      { metadata: { name: "c", namespace: "default" }, data: { a: "x" }, immutable: true },
      { b: "eQ==" },
    ],
    [
      REGISTRY.byResource("secrets") as KindDescription,
      { metadata: { name: "s", namespace: "default" }, type: "Opaque", data: { a: "eA==" }, immutable: true },
      { b: "eQ==" },
    ],
    ...(["rolebindings", "clusterrolebindings"] as const).map(
      (resource): [KindDescription, KubeObject, unknown] => [
        REGISTRY.byResource(resource) as KindDescription,
        {
          metadata: { name: "b", ...(resource === "rolebindings" ? { namespace: "default" } : {}) },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
          subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "jane" }],
        },
        { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
      ],
    ),
  ];
  it.each(cases)("$kind", (kind, old, value) => {
    for (const path of kind.immutable) {
      const next = changedAt(old, path, value) as DaemonSet;
      expect(kind.hooks.validate?.(old)).toEqual([]);
      const problems = kind.hooks.validate?.(next, old) ?? [];
      expect(problems.map((p) => p.field)).toContain(path);
    }
  });

  it("every stored kind with immutable fields has a case above (or refuses writes)", () => {
    const covered = new Set(cases.map(([k]) => k.resource));
    const rest = stored.filter((k) => k.immutable.length > 0 && !covered.has(k.resource));
    expect(rest.map((k) => k.resource)).toEqual(["controllerrevisions"]);
  });
});
