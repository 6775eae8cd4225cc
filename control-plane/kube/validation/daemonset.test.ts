import { describe, expect, it } from "vitest";
import type { FieldError } from "../../../shared/errors.js";
import {
  C,
  T,
  causes,
  forbidden,
  inv,
  req,
  unsupported,
  type Mutation,
  LABEL_MSG,
  NAME_PART_MSG,
  SUBDOMAIN_MSG,
  kubernetesCauses,
} from "./test-helpers.js";
import type { DaemonSet } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import { applyDaemonSetDefaults } from "../defaults.js";
import { validateDaemonSet } from "./index.js";
import { tutorialDaemonSet, validManifests } from "./test-manifests.js";

describe("validateDaemonSet accepts real manifests", () => {
  it.each(validManifests())("%s gives no causes but the safety net's", (_name, ds) => {
    expect(kubernetesCauses(applyDaemonSetDefaults(ds))).toEqual([]);
  });
});

describe("validateDaemonSet: metadata", () => {
  it.each<[string, Mutation, FieldError]>([
    ["upper-case name", (ds) => (ds.metadata.name = "Nginx"), inv("metadata.name", '"Nginx"', SUBDOMAIN_MSG)],
    [
      "missing name",
      (ds) => delete ds.metadata.name,
      req("metadata.name", "name or generateName is required"),
    ],
    [
      "name over 253 characters",
      (ds) => (ds.metadata.name = "a".repeat(254)),
      inv("metadata.name", `"${"a".repeat(254)}"`, "must be no more than 253 characters"),
    ],
    [
      "bad namespace",
      (ds) => (ds.metadata.namespace = "kube.system"),
      inv("metadata.namespace", '"kube.system"', LABEL_MSG),
    ],
    ["missing namespace", (ds) => delete ds.metadata.namespace, req("metadata.namespace")],
    [
      "bad label key",
      (ds) => (ds.metadata.labels = { "-app": "x" }),
      inv("metadata.labels", '"-app"', NAME_PART_MSG),
    ],
    [
      "label value over 63 characters",
      (ds) => (ds.metadata.labels = { app: "v".repeat(64) }),
      inv("metadata.labels", `"${"v".repeat(64)}"`, "must be no more than 63 characters"),
    ],
    [
      "annotation key with two slashes",
      (ds) => (ds.metadata.annotations = { "a/b/c": "x" }),
      inv(
        "metadata.annotations",
        '"a/b/c"',
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ),
    ],
    [
      "annotations over 256 KiB",
      (ds) => (ds.metadata.annotations = { big: "x".repeat(256 * 1024) }),
      {
        type: "FieldValueTooLong",
        field: "metadata.annotations",
        message: "Too long: may not be more than 262144 bytes",
      },
    ],
    [
      "bad template label",
      (ds) => {
        ds.spec.template.metadata = { labels: { app: "nginx", "bad key": "x" } };
      },
      inv(`spec.template.metadata.labels`, '"bad key"', NAME_PART_MSG),
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });
});

describe("validateDaemonSet: selector", () => {
  it.each<[string, Mutation, FieldError[]]>([
    [
      "selector does not match the template's labels",
      (ds) => (ds.spec.selector = { matchLabels: { app: "web" } }),
      [
        inv(
          "spec.template.metadata.labels",
          '{"app":"nginx"}',
          "`selector` does not match template `labels`",
        ),
      ],
    ],
    [
      "missing selector",
      (ds) => delete (ds.spec as Partial<DaemonSet["spec"]>).selector,
      [
        req("spec.selector"),
        inv(
          "spec.template.metadata.labels",
          '{"app":"nginx"}',
          "`selector` does not match template `labels`",
        ),
      ],
    ],
    [
      "empty selector",
      (ds) => (ds.spec.selector = {}),
      [inv("spec.selector", "{}", "empty selector is invalid for daemonset")],
    ],
    [
      "In without values",
      (ds) => (ds.spec.selector = { matchExpressions: [{ key: "app", operator: "In" }] }),
      [
        req(
          "spec.selector.matchExpressions[0].values",
          "must be specified when `operator` is 'In' or 'NotIn'",
        ),
      ],
    ],
    [
      "Exists with values",
      (ds) => (ds.spec.selector = { matchExpressions: [{ key: "app", operator: "Exists", values: ["x"] }] }),
      [
        forbidden(
          "spec.selector.matchExpressions[0].values",
          "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        ),
      ],
    ],
    [
      "unknown operator",
      (ds) =>
        (ds.spec.selector = { matchExpressions: [{ key: "app", operator: "Like" as "In", values: ["x"] }] }),
      [inv("spec.selector.matchExpressions[0].operator", '"Like"', "not a valid selector operator")],
    ],
    [
      "matchExpressions that select the template",
      (ds) => (ds.spec.selector = { matchExpressions: [{ key: "app", operator: "NotIn", values: ["db"] }] }),
      [],
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual(expected);
  });
});

describe("validateDaemonSet: update strategy and counters", () => {
  const RU = "spec.updateStrategy.rollingUpdate";
  const rolling =
    (ru: unknown): Mutation =>
    (ds) =>
      (ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: ru as { maxSurge: number } });
  it.each<[string, Mutation, FieldError[]]>([
    [
      "type Recreate",
      (ds) => (ds.spec.updateStrategy = { type: "Recreate" as "OnDelete" }),
      [unsupported("spec.updateStrategy", "Recreate", '"RollingUpdate", "OnDelete"')],
    ],
    [
      "both non-zero",
      rolling({ maxUnavailable: 1, maxSurge: 1 }),
      [inv(`${RU}.maxSurge`, "1", "may not be set when maxUnavailable is non-zero")],
    ],
    [
      "both zero",
      rolling({ maxUnavailable: 0, maxSurge: "0%" }),
      [req(`${RU}.maxUnavailable`, "cannot be 0 when maxSurge is 0")],
    ],
    [
      "over 100%",
      rolling({ maxUnavailable: "150%", maxSurge: 0 }),
      [inv(`${RU}.maxUnavailable`, '"150%"', "must not be greater than 100%")],
    ],
    [
      "negative maxSurge",
      rolling({ maxUnavailable: 1, maxSurge: -1 }),
      [
        inv(`${RU}.maxSurge`, "-1", "must be greater than or equal to 0"),
        inv(`${RU}.maxSurge`, "-1", "may not be set when maxUnavailable is non-zero"),
      ],
    ],
    [
      "not a percent",
      rolling({ maxUnavailable: "ten", maxSurge: 0 }),
      [
        inv(
          `${RU}.maxUnavailable`,
          '"ten"',
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ),
        req(`${RU}.maxUnavailable`, "cannot be 0 when maxSurge is 0"),
      ],
    ],
    ["surge instead of unavailable", rolling({ maxUnavailable: 0, maxSurge: "25%" }), []],
    ["OnDelete", (ds) => (ds.spec.updateStrategy = { type: "OnDelete" }), []],
    [
      "negative minReadySeconds",
      (ds) => (ds.spec.minReadySeconds = -1),
      [inv("spec.minReadySeconds", "-1", "must be greater than or equal to 0")],
    ],
    [
      "negative revisionHistoryLimit",
      (ds) => (ds.spec.revisionHistoryLimit = -1),
      [inv("spec.revisionHistoryLimit", "-1", "must be greater than or equal to 0")],
    ],
    ["revisionHistoryLimit 0", (ds) => (ds.spec.revisionHistoryLimit = 0), []],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual(expected);
  });
});

describe("validateDaemonSet: everynode's rollout fields", () => {
  const RU = "spec.updateStrategy.rollingUpdate";
  const rolling =
    (ru: Record<string, unknown>): Mutation =>
    (ds) =>
      (ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, ...ru } });
  const TYPE = (field: string, value: string, what: string): FieldError => ({
    type: "FieldValueTypeInvalid",
    field,
    message: `Invalid value: ${value}: must be ${what}`,
  });
  it.each<[string, Mutation, FieldError[]]>([
    [
      "every field, valid",
      rolling({
        paused: true,
        partition: "50%",
        selector: { matchLabels: { canary: "yes" } },
        progressDeadlineSeconds: 120,
        autoRollback: true,
        autoPause: { enabled: true, maxRestarts: 2, maxNotReadySeconds: 30 },
        prePull: false,
      }),
      [],
    ],
    ["prePull", rolling({ prePull: true }), []],
    ["prePull not a boolean", rolling({ prePull: "yes" }), [TYPE(`${RU}.prePull`, '"yes"', "a boolean")]],
    ["paused not a boolean", rolling({ paused: "yes" }), [TYPE(`${RU}.paused`, '"yes"', "a boolean")]],
    [
      "negative partition",
      rolling({ partition: -1 }),
      [inv(`${RU}.partition`, "-1", "must be greater than or equal to 0")],
    ],
    [
      "partition over 100%",
      rolling({ partition: "120%" }),
      [inv(`${RU}.partition`, '"120%"', "must not be greater than 100%")],
    ],
    [
      "a selector with a bad operator",
      rolling({ selector: { matchExpressions: [{ key: "a", operator: "Near" }] } }),
      [inv(`${RU}.selector.matchExpressions[0].operator`, '"Near"', "not a valid selector operator")],
    ],
    [
      "progressDeadlineSeconds 0",
      rolling({ progressDeadlineSeconds: 0 }),
      [inv(`${RU}.progressDeadlineSeconds`, "0", "must be greater than 0")],
    ],
    [
      "progressDeadlineSeconds not above minReadySeconds",
      (ds) => {
        ds.spec.minReadySeconds = 30;
        rolling({ progressDeadlineSeconds: 30 })(ds, {}, {});
      },
      [inv(`${RU}.progressDeadlineSeconds`, "30", "must be greater than minReadySeconds")],
    ],
    [
      "autoPause.maxRestarts 0",
      rolling({ autoPause: { maxRestarts: 0 } }),
      [inv(`${RU}.autoPause.maxRestarts`, "0", "must be greater than 0")],
    ],
    [
      "partition with OnDelete",
      (ds) => (ds.spec.updateStrategy = { type: "OnDelete", rollingUpdate: { partition: 2, paused: true } }),
      [
        forbidden(`${RU}.paused`, "may only be set when type is 'RollingUpdate'"),
        forbidden(`${RU}.partition`, "may only be set when type is 'RollingUpdate'"),
      ],
    ],
    [
      "maxSurge with a hostPort",
      (ds, _pod, c) => {
        c.ports = [{ containerPort: 80, hostPort: 8080 }];
        rolling({ maxUnavailable: 0, maxSurge: 1 })(ds, {}, {});
      },
      [
        inv(
          `${RU}.maxSurge`,
          "1",
          "may not be set when spec.template.spec.containers[0].ports[0].hostPort is set: two pods on one node would fight for host port 8080; use maxUnavailable",
        ),
      ],
    ],
    [
      "maxSurge with hostNetwork",
      (ds, pod) => {
        pod.hostNetwork = true;
        rolling({ maxUnavailable: 0, maxSurge: "10%" })(ds, {}, {});
      },
      [
        inv(
          `${RU}.maxSurge`,
          '"10%"',
          "may not be set when spec.template.spec.hostNetwork is true: two pods on one node would fight for the host's ports; use maxUnavailable",
        ),
      ],
    ],
    [
      "hostPort with maxUnavailable",
      (_ds, _pod, c) => (c.ports = [{ containerPort: 80, hostPort: 8080 }]),
      [],
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual(expected);
  });
});

describe("validateDaemonSet: several problems and the 422", () => {
  const broken: Mutation = (ds, pod, c) => {
    ds.metadata.name = "Web";
    pod.restartPolicy = "OnFailure";
    delete c.image;
  };

  it("reports each problem as its own cause", () => {
    expect(causes(broken)).toEqual([
      inv("metadata.name", '"Web"', SUBDOMAIN_MSG),
      req(`${C}.image`),
      unsupported(`${T}.restartPolicy`, "OnFailure", '"Always"'),
    ]);
  });

  it("becomes one 422 Invalid Status with a cause per field", () => {
    const status = errors.invalid("DaemonSet", "apps", "Web", causes(broken)).toStatus();
    expect(status).toMatchObject({ kind: "Status", status: "Failure", reason: "Invalid", code: 422 });
    expect(status.details?.causes?.map((c) => [c.reason, c.field])).toEqual([
      ["FieldValueInvalid", "metadata.name"],
      ["FieldValueRequired", `${C}.image`],
      ["FieldValueNotSupported", `${T}.restartPolicy`],
    ]);
    expect(status.message).toMatch(
      /^DaemonSet\.apps "Web" is invalid: \[metadata\.name: Invalid value: "Web": .*, spec\.template\.spec\.containers\[0\]\.image: Required value, /,
    );
  });

  it("does not crash on bodies of the wrong shape", () => {
    const ds = {
      metadata: { name: "x", namespace: "default" },
      spec: { selector: "app=x", template: { spec: { containers: "nginx" } } },
    };
    const found = validateDaemonSet(applyDaemonSetDefaults(ds as unknown as DaemonSet));
    expect(found.map((e) => e.field)).toEqual(expect.arrayContaining(["spec.selector", `${T}.containers`]));
  });
});

describe("validateDaemonSet on update", () => {
  const stored = applyDaemonSetDefaults(tutorialDaemonSet());

  it("allows a new template", () => {
    const next = structuredClone(stored);
    next.spec.template.spec.containers[0]!.image = "nginx:1.27";
    expect(validateDaemonSet(next, stored)).toEqual([]);
  });

  it("refuses a changed selector", () => {
    const next = structuredClone(stored);
    next.spec.selector = { matchLabels: { app: "nginx", tier: "web" } };
    next.spec.template.metadata = { labels: { app: "nginx", tier: "web" } };
    expect(validateDaemonSet(next, stored)).toEqual([
      inv("spec.selector", '{"matchLabels":{"app":"nginx","tier":"web"}}', "field is immutable"),
    ]);
  });

  it("refuses a renamed object", () => {
    const next = structuredClone(stored);
    next.metadata.name = "web";
    expect(validateDaemonSet(next, stored)).toEqual([inv("metadata.name", '"web"', "field is immutable")]);
  });
});
