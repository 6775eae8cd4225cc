import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../shared/api-types.js";
import { allows, ruleAllows, type AccessRequest, type Policy, type PolicyRule } from "./rbac.js";

const get = (resource: string, extra: Partial<AccessRequest> = {}): AccessRequest => ({
  verb: "get",
  group: "",
  resource,
  namespace: "ns",
  ...extra,
});

describe("ruleAllows", () => {
  it.each<[string, PolicyRule, AccessRequest, boolean]>([
    [
      "a listed verb and resource",
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
      get("pods"),
      true,
    ],
    ["another verb", { verbs: ["list"], apiGroups: [""], resources: ["pods"] }, get("pods"), false],
    ["another group", { verbs: ["get"], apiGroups: ["apps"], resources: ["pods"] }, get("pods"), false],
    [
      "wildcards",
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      get("pods", { subresource: "log" }),
      true,
    ],
    [
      "a resource does not cover its subresources",
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
      get("pods", { subresource: "log" }),
      false,
    ],
    [
      "resource/subresource",
      { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] },
      get("pods", { subresource: "log" }),
      true,
    ],
    [
      "*/subresource",
      { verbs: ["get"], apiGroups: [""], resources: ["*/status"] },
      get("nodes", { subresource: "status" }),
      true,
    ],
    [
      "a resourceName",
      { verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a"] },
      get("secrets", { name: "a" }),
      true,
    ],
    [
      "another name",
      { verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a"] },
      get("secrets", { name: "b" }),
      false,
    ],
    [
      "a list under resourceNames",
      { verbs: ["list"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a"] },
      get("secrets", { verb: "list" }),
      false,
    ],
    [
      "a nonResourceURL",
      { verbs: ["get"], nonResourceURLs: ["/metrics"] },
      { verb: "get", path: "/metrics" },
      true,
    ],
    [
      "a nonResourceURL prefix",
      { verbs: ["get"], nonResourceURLs: ["/readyz/*"] },
      { verb: "get", path: "/readyz/etcd" },
      true,
    ],
    [
      "a resource rule for a path",
      { verbs: ["get"], apiGroups: [""], resources: ["*"] },
      { verb: "get", path: "/metrics" },
      false,
    ],
  ])("%s", (_name, rule, request, expected) => {
    expect(ruleAllows(rule, request)).toBe(expected);
  });
});

describe("allows", () => {
  const role = (kind: string, name: string, rules: PolicyRule[], namespace?: string): KubeObject => ({
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    rules,
  });
  const binding = (
    name: string,
    roleKind: string,
    roleName: string,
    subjects: unknown[],
    namespace?: string,
  ): KubeObject => ({
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name: roleName },
    subjects,
  });
  const read: PolicyRule[] = [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"] }];
  const policy: Policy = {
    roles: [role("Role", "r", read, "ns")],
    clusterRoles: [role("ClusterRole", "c", [...read, { verbs: ["get"], nonResourceURLs: ["/metrics"] }])],
    roleBindings: [
      binding("sa", "Role", "r", [{ kind: "ServiceAccount", name: "bot" }], "ns"),
      binding("group", "ClusterRole", "c", [{ kind: "Group", name: "team" }], "ns"),
    ],
    clusterRoleBindings: [binding("u", "ClusterRole", "c", [{ kind: "User", name: "jane" }])],
  };
  const bot = { user: "system:serviceaccount:ns:bot", groups: [] };
  const teamMember = { user: "x", groups: ["team"] };
  const jane = { user: "jane", groups: [] };

  it.each<[string, { user: string; groups: string[] }, AccessRequest, boolean]>([
    ["a RoleBinding's ServiceAccount, namespace from the binding", bot, get("configmaps"), true],
    ["not in another namespace", bot, get("configmaps", { namespace: "other" }), false],
    ["not cluster-wide", bot, get("configmaps", { namespace: undefined }), false],
    ["a group bound to a ClusterRole in a namespace", teamMember, get("configmaps"), true],
    ["that binding grants no non-resource URL", teamMember, { verb: "get", path: "/metrics" }, false],
    ["a ClusterRoleBinding's user everywhere", jane, get("configmaps", { namespace: "other" }), true],
    ["and its non-resource URLs", jane, { verb: "get", path: "/metrics" }, true],
    ["nobody else", { user: "joe", groups: [] }, get("configmaps"), false],
  ])("%s", (_name, caller, request, expected) => {
    expect(allows(policy, caller, request)).toBe(expected);
  });
});
