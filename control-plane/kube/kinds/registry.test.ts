import { describe, expect, expectTypeOf, it } from "vitest";
import type { DaemonSet, KubeObject, Namespace, Node, Pod } from "../../../shared/api-types.js";
import { RESOURCES, type ResourceName } from "./resources.js";
import { applyDaemonSetDefaults, applyNamespaceDefaults, applyNodeDefaults } from "../../api/defaults.js";
import { matchesFields, parseFieldSelector } from "../../api/selectors/field-selector.js";
import { buildTable } from "../../api/tables/build-table.js";
import { tutorialDaemonSet } from "../../api/validation/test-manifests.js";
import { buildRegistry } from "../schema/registry.js";
import { KINDS, REGISTRY } from "./index.js";
import type { KindDescription } from "./kind.js";
import { selectableFields } from "./selectable-fields.js";

const stored = KINDS.filter((k) => k.servedBy === "store");

describe("the registry's resource table", () => {
  // [resource, kind, group, namespaced, shortNames, categories, subresources]
  const expected: [string, string, string, boolean, string[], string[], string[]][] = [
    ["nodes", "Node", "", false, ["no"], [], ["status"]],
    ["pods", "Pod", "", true, ["po"], ["all"], ["status", "log"]],
    ["namespaces", "Namespace", "", false, ["ns"], [], ["status"]],
    ["events", "Event", "", true, ["ev"], [], []],
    ["daemonsets", "DaemonSet", "apps", true, ["ds"], ["all"], ["status"]],
    ["controllerrevisions", "ControllerRevision", "apps", true, [], [], []],
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
      "nodes" | "pods" | "namespaces" | "events" | "daemonsets" | "controllerrevisions"
    >();
  });

  it("leaves out the kinds with routers of their own", () => {
    expect(KINDS.filter((k) => k.servedBy === "router").map((k) => k.resource)).toEqual([
      "leases",
      "jointokens",
    ]);
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

const samples: Record<ResourceName, KubeObject> = {
  pods: {
    metadata: { name: "nginx-abcde", namespace: "default" },
    spec: { nodeName: "node01", restartPolicy: "Always", schedulerName: "s", serviceAccountName: "default" },
    status: { phase: "Running", podIP: "10.0.0.1", podIPs: [{ ip: "10.0.0.2" }], nominatedNodeName: "n" },
  },
  nodes: { metadata: { name: "node01" }, spec: { unschedulable: true } },
  namespaces: { metadata: { name: "team" }, status: { phase: "Active" } },
  events: {
    metadata: { name: "e.1", namespace: "default" },
    involvedObject: {
      kind: "Pod",
      name: "p",
      namespace: "default",
      uid: "u",
      fieldPath: "spec.containers{c}",
    },
    reason: "Pulled",
    type: "Normal",
    source: { component: "kubelet" },
    reportingComponent: "kubelet",
  },
  daemonsets: tutorialDaemonSet() as KubeObject,
  controllerrevisions: { metadata: { name: "r", namespace: "default" }, data: {}, revision: 1 },
};
const everyField = [...new Set(KINDS.flatMap((k) => Object.keys(selectableFields(k))))];

describe.each(stored)("field selectors of $resource", (kind) => {
  const resource = kind.resource as ResourceName;
  const fields = selectableFields(kind);

  it("are the ones the API accepts today, and no others", () => {
    for (const f of everyField) {
      const parse = () => parseFieldSelector(`${f}=x`, resource);
      if (Object.hasOwn(fields, f)) expect(parse).not.toThrow();
      else expect(parse).toThrow(/field label not supported/);
    }
    expect(() => parseFieldSelector("constructor=x", resource)).toThrow();
    expect(fields["constructor"]).toBeUndefined();
  });

  it("read the values the API matches on today", () => {
    const object = samples[resource];
    for (const [field, read] of Object.entries(fields)) {
      const value = read(object);
      const text = value === undefined || value === null ? "" : String(value);
      expect(matchesFields([{ field, operator: "=", value: text }], object, resource)).toBe(true);
      expect(matchesFields([{ field, operator: "=", value: `${text}-not` }], object, resource)).toBe(false);
    }
  });
});

describe("hooks point at today's functions", () => {
  const byResource = (r: string) => REGISTRY.byResource(r) as KindDescription;

  it("defaults", () => {
    const ds = tutorialDaemonSet();
    expect(byResource("daemonsets").hooks.defaults?.(ds)).toEqual(applyDaemonSetDefaults(ds));
    const node: Node = { metadata: { name: "n" }, spec: {}, status: { capacity: { cpu: "2" } } };
    expect(byResource("nodes").hooks.defaults?.(node)).toEqual(applyNodeDefaults(node));
    const ns: Namespace = { metadata: { name: "team" } };
    expect(byResource("namespaces").hooks.defaults?.(ns)).toEqual(applyNamespaceDefaults(ns));
  });

  it.each(stored)("the printer of $resource makes today's table", (kind) => {
    const resource = kind.resource as ResourceName;
    const table = buildTable(resource, [samples[resource]], { now: 0, resourceVersion: "1" });
    expect(kind.hooks.printer?.columns).toEqual(table.columnDefinitions);
    expect(kind.hooks.printer?.cells(samples[resource] as never, 0)).toEqual(table.rows[0]?.cells);
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
