import { describe, expect, it } from "vitest";
import type { FieldError } from "../../../shared/errors.js";
import { T, causes, forbidden, inv, req, unsupported, type Mutation, NAME_PART_MSG } from "./test-helpers.js";

describe("validateDaemonSet: tolerations", () => {
  const P = `${T}.tolerations[0]`;
  const tol =
    (t: unknown): Mutation =>
    (_d, pod) =>
      (pod.tolerations = [t]);
  it.each<[string, Mutation, FieldError]>([
    [
      "empty key with Equal",
      tol({ operator: "Equal", value: "x" }),
      inv(
        `${P}.operator`,
        '"Equal"',
        'operator must be Exists when `key` is empty, which means "match all values and all keys"',
      ),
    ],
    [
      "Exists with a value",
      tol({ key: "k", operator: "Exists", value: "v" }),
      inv(
        `${P}.operator`,
        '{"key":"k","operator":"Exists","value":"v"}',
        "value must be empty when `operator` is 'Exists'",
      ),
    ],
    [
      "tolerationSeconds without NoExecute",
      tol({ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 30 }),
      inv(`${P}.effect`, '"NoSchedule"', "effect must be 'NoExecute' when `tolerationSeconds` is set"),
    ],
    [
      "unknown effect",
      tol({ key: "k", operator: "Exists", effect: "NoRun" }),
      unsupported(`${P}.effect`, "NoRun", '"NoSchedule", "PreferNoSchedule", "NoExecute"'),
    ],
    [
      "unknown operator",
      tol({ key: "k", operator: "Contains", value: "v" }),
      unsupported(`${P}.operator`, "Contains", '"Equal", "Exists"'),
    ],
    ["bad key", tol({ key: "bad key", operator: "Exists" }), inv(`${P}.key`, '"bad key"', NAME_PART_MSG)],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });

  it.each([
    [{ operator: "Exists" }],
    [{ key: "k", value: "v", effect: "NoSchedule" }],
    [{ key: "k", operator: "Equal", value: "", effect: "PreferNoSchedule" }],
    [
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 60,
      },
    ],
  ])("toleration %j passes", (t) => {
    expect(causes(tol(t))).toEqual([]);
  });
});

describe("validateDaemonSet: node affinity", () => {
  const A = `${T}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
  const required =
    (terms: unknown[]): Mutation =>
    (_d, pod) =>
      (pod.affinity = {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
      });
  const expr = (e: unknown) => required([{ matchExpressions: [e] }]);
  const field = (e: unknown) => required([{ matchFields: [e] }]);
  it.each<[string, Mutation, FieldError]>([
    ["no terms", required([]), req(A, "must have at least one node selector term")],
    [
      "In without values",
      expr({ key: "disk", operator: "In" }),
      req(`${A}[0].matchExpressions[0].values`, "must be specified when `operator` is 'In' or 'NotIn'"),
    ],
    [
      "DoesNotExist with values",
      expr({ key: "disk", operator: "DoesNotExist", values: ["x"] }),
      forbidden(
        `${A}[0].matchExpressions[0].values`,
        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      ),
    ],
    [
      "Gt with two values",
      expr({ key: "gen", operator: "Gt", values: ["1", "2"] }),
      req(
        `${A}[0].matchExpressions[0].values`,
        "must be specified single value when `operator` is 'Lt' or 'Gt'",
      ),
    ],
    [
      "Lt with a non-integer",
      expr({ key: "gen", operator: "Lt", values: ["two"] }),
      inv(`${A}[0].matchExpressions[0].values[0]`, '"two"', "must be an integer for 'Gt' and 'Lt'"),
    ],
    [
      "unknown operator",
      expr({ key: "gen", operator: "Near", values: ["x"] }),
      inv(`${A}[0].matchExpressions[0].operator`, '"Near"', "not a valid selector operator"),
    ],
    [
      "bad key",
      expr({ key: "a b", operator: "Exists" }),
      inv(`${A}[0].matchExpressions[0].key`, '"a b"', NAME_PART_MSG),
    ],
    [
      "matchFields on another field",
      field({ key: "metadata.uid", operator: "In", values: ["x"] }),
      inv(`${A}[0].matchFields[0].key`, '"metadata.uid"', "not a valid field selector key"),
    ],
    [
      "matchFields with two values",
      field({ key: "metadata.name", operator: "In", values: ["a", "b"] }),
      req(
        `${A}[0].matchFields[0].values`,
        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
      ),
    ],
    [
      "matchFields with Exists",
      field({ key: "metadata.name", operator: "Exists" }),
      inv(`${A}[0].matchFields[0].operator`, '"Exists"', "not a valid selector operator"),
    ],
    [
      "preferred term with weight 0",
      (_d, pod) =>
        (pod.affinity = {
          nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] },
        }),
      inv(
        `${T}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight`,
        "0",
        "must be in the range 1-100",
      ),
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });

  it("matchFields metadata.name In one node passes", () => {
    expect(causes(field({ key: "metadata.name", operator: "In", values: ["node-1"] }))).toEqual([]);
  });
});
