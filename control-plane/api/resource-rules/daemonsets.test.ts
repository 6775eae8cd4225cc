import { describe, expect, it } from "vitest";
import type { DaemonSet } from "../../../shared/api-types.js";
import type { EverynodeError } from "../../../shared/errors.js";
import { daemonSetRule, nextGenerations, TEMPLATE_GENERATION_ANNOTATION } from "./daemonsets.js";

function ds(
  image = "nginx",
  extra: Partial<DaemonSet["spec"]> = {},
  generation = 3,
  templateGeneration = 2,
): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: {
      name: "web",
      namespace: "default",
      generation,
      annotations: { [TEMPLATE_GENERATION_ANNOTATION]: String(templateGeneration) },
    },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image }] } },
      ...extra,
    },
  };
}

describe("nextGenerations", () => {
  it.each<[string, DaemonSet, { generation: number; templateGeneration: number }]>([
    ["no spec change", ds(), { generation: 3, templateGeneration: 2 }],
    ["template change", ds("nginx:1.27"), { generation: 4, templateGeneration: 3 }],
    [
      "spec change outside the template",
      ds("nginx", { minReadySeconds: 5 }),
      { generation: 4, templateGeneration: 2 },
    ],
  ])("%s", (_name, next, expected) => {
    expect(nextGenerations(next, ds())).toEqual(expected);
  });
});

describe("daemonSetRule", () => {
  it("starts at generation 1 with a zero status and the defaults", () => {
    const input = ds();
    input.metadata.generation = 7;
    input.status = {
      currentNumberScheduled: 5,
      numberMisscheduled: 0,
      desiredNumberScheduled: 5,
      numberReady: 5,
    };
    const created = daemonSetRule.prepareCreate(input) as DaemonSet;
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toEqual({
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    });
    expect(created.spec.updateStrategy?.type).toBe("RollingUpdate");
    expect(created.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION]).toBe("2");
  });

  it("refuses an invalid DaemonSet with a 422", () => {
    const input = ds();
    input.spec.template.spec.containers = [];
    try {
      daemonSetRule.prepareCreate(input);
      expect.unreachable();
    } catch (e) {
      expect((e as EverynodeError).httpStatus).toBe(422);
    }
  });

  it("keeps the selector immutable", () => {
    const old = daemonSetRule.prepareCreate(ds());
    const next = structuredClone(old) as DaemonSet;
    next.spec.selector = { matchLabels: { app: "other" } };
    next.spec.template.metadata = { labels: { app: "other" } };
    expect(() => daemonSetRule.prepareUpdate(next, old, undefined)).toThrow(/immutable/);
  });
});
