import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { KubeObject } from "../shared/api-types.js";
import {
  LAST_APPLIED,
  applyPatch,
  lastAppliedFor,
  threeWayMergePatch,
  withLastApplied,
} from "./three-way-merge.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "testdata");
const stored = JSON.parse(readFileSync(path.join(dir, "daemonset.json"), "utf8")) as KubeObject;

const tutorialWithToleration: KubeObject = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "nginx" },
  spec: {
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: {
        tolerations: [
          { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
        ],
        containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }],
      },
    },
  },
};

describe("last-applied annotation", () => {
  it("is kubectl's compact JSON with sorted keys, the namespace and empty annotations, plus a newline", () => {
    expect(lastAppliedFor(tutorialWithToleration, "default")).toBe(
      stored.metadata.annotations?.[LAST_APPLIED],
    );
  });

  it("is added to the object sent on create", () => {
    const sent = withLastApplied(tutorialWithToleration, "default");
    expect(sent.metadata.namespace).toBe("default");
    expect(sent.metadata.annotations?.[LAST_APPLIED]).toMatch(/^\{"apiVersion":"apps\/v1".*\}\n$/);
  });
});

describe("apply's patch", () => {
  it("is nothing (unchanged) when the same file is applied over the server's defaults", () => {
    expect(applyPatch(tutorialWithToleration, "default", stored).patch).toBeUndefined();
  });

  it("changes only the image (and the annotation) when the image changed (configured)", () => {
    const changed = structuredClone(tutorialWithToleration);
    (
      changed.spec as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers[0]!.image = "nginx:1.27";
    const { patch } = applyPatch(changed, "default", stored);
    expect(Object.keys(patch ?? {})).toEqual(["metadata", "spec"]);
    const containers = (patch as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec
      .template.spec.containers;
    expect(containers[0]?.image).toBe("nginx:1.27");
    expect(
      (patch as { metadata: { annotations: Record<string, string> } }).metadata.annotations[LAST_APPLIED],
    ).toContain("nginx:1.27");
  });

  it("deletes a field the user removed since the last apply", () => {
    const without = structuredClone(tutorialWithToleration);
    delete (without.spec as { template: { spec: Record<string, unknown> } }).template.spec.tolerations;
    const { patch } = applyPatch(without, "default", stored);
    expect(
      (patch as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec.tolerations,
    ).toBeNull();
  });

  it("reports a missing last-applied annotation", () => {
    const bare = structuredClone(stored);
    bare.metadata.annotations = {};
    expect(applyPatch(tutorialWithToleration, "default", bare).missingAnnotation).toBe(true);
  });

  it.each([
    [{ a: 1 }, { a: 1 }, { a: 1, b: 2 }, {}],
    [{ a: 1, b: 2 }, { a: 1 }, { a: 1, b: 2 }, { b: null }],
    [{}, { m: { x: 1 } }, { m: { x: 2, y: 3 } }, { m: { x: 1 } }],
    [{}, { l: [1, 2] }, { l: [1] }, { l: [1, 2] }],
    [{}, { l: [{ n: "a" }] }, { l: [{ n: "a", d: 1 }] }, {}],
  ])("original %j, modified %j, current %j → %j", (o, m, c, expected) => {
    expect(threeWayMergePatch(o, m, c)).toEqual(expected);
  });
});
