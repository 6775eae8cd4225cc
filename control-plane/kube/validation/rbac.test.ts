import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../shared/api-types.js";
import { validateBinding, validateRole } from "./rbac.js";

const fields = (errs: { field: string }[]) => errs.map((e) => e.field);
const G = "rbac.authorization.k8s.io";

describe("roles", () => {
  it.each<[string, Partial<KubeObject>, boolean, string[]]>([
    ["a resource rule", { rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }] }, false, []],
    ["no verbs", { rules: [{ verbs: [], apiGroups: [""], resources: ["pods"] }] }, false, ["rules[0].verbs"]],
    ["no resources", { rules: [{ verbs: ["get"], apiGroups: [""] }] }, false, ["rules[0].resources"]],
    [
      "a URL in a Role",
      { rules: [{ verbs: ["get"], nonResourceURLs: ["/metrics"] }] },
      false,
      ["rules[0].nonResourceURLs"],
    ],
    ["a URL in a ClusterRole", { rules: [{ verbs: ["get"], nonResourceURLs: ["/metrics"] }] }, true, []],
    [
      "aggregation, which everynode does not do",
      { aggregationRule: { clusterRoleSelectors: [] } },
      true,
      ["aggregationRule"],
    ],
  ])("%s", (_name, body, cluster, expected) => {
    const metadata = cluster ? { name: "r" } : { name: "r", namespace: "ns" };
    expect(fields(validateRole({ metadata, ...body }, undefined, cluster))).toEqual(expected);
  });
});

describe("bindings", () => {
  const roleRef = { apiGroup: G, kind: "ClusterRole", name: "view" };
  it.each<[string, Partial<KubeObject>, boolean, string[]]>([
    ["a ServiceAccount subject", { roleRef, subjects: [{ kind: "ServiceAccount", name: "a" }] }, false, []],
    [
      "its namespace in a ClusterRoleBinding",
      { roleRef, subjects: [{ kind: "ServiceAccount", name: "a" }] },
      true,
      ["subjects[0].namespace"],
    ],
    ["a Role from a ClusterRoleBinding", { roleRef: { ...roleRef, kind: "Role" } }, true, ["roleRef.kind"]],
    [
      "a User without the group",
      { roleRef, subjects: [{ kind: "User", name: "jane" }] },
      false,
      ["subjects[0].apiGroup"],
    ],
    ["no roleRef", {}, false, ["roleRef"]],
  ])("%s", (_name, body, cluster, expected) => {
    const metadata = cluster ? { name: "b" } : { name: "b", namespace: "ns" };
    expect(fields(validateBinding({ metadata, ...body }, undefined, cluster))).toEqual(expected);
  });
});
