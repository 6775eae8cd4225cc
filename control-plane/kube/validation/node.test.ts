import { describe, expect, it } from "vitest";
import type { Node } from "../../../shared/api-types.js";
import type { FieldError } from "../../../shared/errors.js";
import { applyNamespaceDefaults, applyNodeDefaults } from "../defaults.js";
import {
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedName,
  validateNamespace,
  validateNode,
  validateObjectMeta,
} from "./index.js";

function node(spec: Node["spec"] = {}, name = "worker-1"): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    spec,
  };
}

describe("validateNode", () => {
  it.each<[string, Node["spec"], FieldError]>([
    [
      "taint without key",
      { taints: [{ key: "", effect: "NoSchedule" }] },
      { type: "FieldValueRequired", field: "spec.taints[0].key", message: "Required value" },
    ],
    [
      "taint without effect",
      { taints: [{ key: "dedicated", value: "gpu" } as never] },
      { type: "FieldValueRequired", field: "spec.taints[0].effect", message: "Required value" },
    ],
    [
      "taint with an unknown effect",
      { taints: [{ key: "dedicated", effect: "NoRun" as "NoSchedule" }] },
      {
        type: "FieldValueNotSupported",
        field: "spec.taints[0].effect",
        message:
          'Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      },
    ],
    [
      "taint value that is not a label value",
      { taints: [{ key: "dedicated", value: "a b", effect: "NoSchedule" }] },
      {
        type: "FieldValueInvalid",
        field: "spec.taints[0].value",
        message:
          "Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      },
    ],
    [
      "two taints with one key and effect",
      {
        taints: [
          { key: "dedicated", value: "a", effect: "NoSchedule" },
          { key: "dedicated", value: "b", effect: "NoSchedule" },
        ],
      },
      {
        type: "FieldValueDuplicate",
        field: "spec.taints[1]",
        message:
          'Duplicate value: {"key":"dedicated","value":"b","effect":"NoSchedule"}: taints must be unique by key and effect pair',
      },
    ],
  ])("%s", (_name, spec, expected) => {
    expect(validateNode(applyNodeDefaults(node(spec)))).toEqual([expected]);
  });

  it("accepts one key with two effects, and the lifecycle taints", () => {
    const taints: Node["spec"]["taints"] = [
      { key: "dedicated", value: "gpu", effect: "NoSchedule" },
      { key: "dedicated", value: "gpu", effect: "NoExecute" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2026-12-01T11:00:00Z" },
      { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
    ];
    expect(validateNode(applyNodeDefaults(node({ taints, unschedulable: true })))).toEqual([]);
  });

  it("refuses a name that is not a DNS subdomain", () => {
    expect(validateNode(node({}, "Worker_1")).map((e) => [e.field, e.type])).toEqual([
      ["metadata.name", "FieldValueInvalid"],
    ]);
  });

  it("refuses a namespace on a node", () => {
    const n = node();
    n.metadata.namespace = "default";
    expect(validateNode(n)).toEqual([
      {
        type: "FieldValueForbidden",
        field: "metadata.namespace",
        message: "Forbidden: not allowed on this type",
      },
    ]);
  });

  it("refuses a rename on update", () => {
    expect(validateNode(node({}, "worker-2"), node({}, "worker-1"))).toEqual([
      {
        type: "FieldValueInvalid",
        field: "metadata.name",
        message: 'Invalid value: "worker-2": field is immutable',
      },
    ]);
  });

  it("allows label and taint changes on update", () => {
    const next = node({ taints: [{ key: "k", effect: "NoSchedule" }] });
    next.metadata.labels = { disk: "ssd" };
    expect(validateNode(next, node())).toEqual([]);
  });
});

describe("validateNamespace", () => {
  it.each([
    ["default", []],
    ["kube-system", []],
    ["team.a", ["metadata.name"]],
    ["Team", ["metadata.name"]],
    ["x".repeat(64), ["metadata.name"]],
  ])("%s → causes on %j", (name, fields) => {
    const ns = applyNamespaceDefaults({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
    expect(validateNamespace(ns).map((e) => e.field)).toEqual(fields);
  });
});

describe("validateObjectMeta", () => {
  it("checks generateName as a prefix, trailing dash allowed", () => {
    const opts = { namespaced: true, nameRule: "subdomain" } as const;
    expect(
      validateObjectMeta({ name: "web-abcde", generateName: "web-", namespace: "default" }, opts),
    ).toEqual([]);
    expect(
      validateObjectMeta({ name: "web-abcde", generateName: "Web-", namespace: "default" }, opts).map(
        (e) => e.field,
      ),
    ).toEqual(["metadata.generateName"]);
  });

  it("uses the given path", () => {
    expect(
      validateObjectMeta({}, { namespaced: false, nameRule: "label" }, "spec.template.metadata"),
    ).toEqual([
      {
        type: "FieldValueRequired",
        field: "spec.template.metadata.name",
        message: "Required value: name or generateName is required",
      },
    ]);
  });
});

describe("name grammars", () => {
  it.each<[(v: string) => boolean, string, boolean]>([
    [isDns1123Label, "my-name", true],
    [isDns1123Label, "123-abc", true],
    [isDns1123Label, "my.name", false],
    [isDns1123Label, "-a", false],
    [isDns1123Label, "a".repeat(63), true],
    [isDns1123Label, "a".repeat(64), false],
    [isDns1123Subdomain, "example.com", true],
    [isDns1123Subdomain, "a..b", false],
    [isDns1123Subdomain, "Example.com", false],
    [isDns1123Subdomain, "a".repeat(253), true],
    [isDns1123Subdomain, "a".repeat(254), false],
    [isQualifiedName, "app", true],
    [isQualifiedName, "app.kubernetes.io/name", true],
    [isQualifiedName, "MyName", true],
    [isQualifiedName, "/name", false],
    [isQualifiedName, "a/b/c", false],
    [isQualifiedName, "Example.com/name", false],
    [isQualifiedName, "name_", false],
    [isQualifiedName, "", false],
    [isLabelValue, "", true],
    [isLabelValue, "v1.2_3-x", true],
    [isLabelValue, "-v", false],
    [isLabelValue, "a b", false],
    [isLabelValue, "v".repeat(64), false],
  ])("%o(%s) is %s", (fn, value, expected) => {
    expect(fn(value)).toBe(expected);
  });
});
