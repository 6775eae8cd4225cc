import { describe, expect, it } from "vitest";
import { daemonSetKind } from "../kinds/daemonset.js";
import { KINDS, REGISTRY } from "../kinds/index.js";
import type { KindDescription, Overlay } from "../kinds/kind.js";
import { type Definition, KUBERNETES_DEFINITIONS, META_V1, ref } from "../openapi/definitions.js";
import { tutorialDaemonSet } from "../validation/test-manifests.js";
import { unknownFieldsOf } from "./known-fields.js";
import { openApiV2Document } from "./openapi-v2.js";
import { openApiV3Document } from "./openapi-v3.js";
import { definitionAtPath } from "./overlay.js";
import { patchSchemaOf } from "./patch-rules.js";
import { buildRegistry } from "./registry.js";

// A sample overlay in place of the DaemonSet's own (kinds/daemonset-rollout.ts), with a list
// to merge by key, which the real one has none of.
const ROLLOUT: Overlay = {
  "spec.updateStrategy.rollingUpdate": {
    properties: {
      paused: { type: "boolean", description: "everynode: stop the rollout where it is." },
      partition: {
        type: "integer",
        format: "int32",
        description: "everynode: nodes to keep on the old revision.",
      },
      selector: { ...ref(`${META_V1}.LabelSelector`), description: "everynode: the nodes to update first." },
      prePull: {
        type: "array",
        description: "everynode: images to pull on every node before the rollout.",
        items: {
          type: "object",
          properties: { image: { type: "string" }, timeoutSeconds: { type: "integer" } },
        },
        "x-kubernetes-patch-merge-key": "image",
        "x-kubernetes-patch-strategy": "merge",
      },
    },
  },
};

const withOverlay = (overlay: Overlay, more: KindDescription[] = []) =>
  buildRegistry([...KINDS.map((k) => (k === daemonSetKind ? { ...k, overlay } : k)), ...more]);

const RU = "io.k8s.api.apps.v1.RollingUpdateDaemonSet";

describe("an overlay on DaemonSet", () => {
  const registry = withOverlay(ROLLOUT);
  const ds = () => {
    const d = tutorialDaemonSet() as any;
    d.spec.updateStrategy = {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, paused: true, partition: 2, selector: { matchLabelz: {} } },
    };
    d.spec.updateStrategy.rollingUpdate.prePull = [{ image: "nginx:2", timeout: 5 }];
    return d;
  };

  it("makes its fields known to strict validation, and looks into them", () => {
    expect(unknownFieldsOf(registry, "daemonsets", ds()).paths).toEqual([
      "spec.updateStrategy.rollingUpdate.selector.matchLabelz",
      "spec.updateStrategy.rollingUpdate.prePull[0].timeout",
    ]);
    expect(unknownFieldsOf(withOverlay({}), "daemonsets", ds()).paths).toEqual([
      "spec.updateStrategy.rollingUpdate.paused",
      "spec.updateStrategy.rollingUpdate.partition",
      "spec.updateStrategy.rollingUpdate.selector",
      "spec.updateStrategy.rollingUpdate.prePull",
    ]);
    // The served DaemonSet's overlay: prePull is a boolean there, not looked into.
    expect(unknownFieldsOf(REGISTRY, "daemonsets", ds()).paths).toEqual([
      "spec.updateStrategy.rollingUpdate.selector.matchLabelz",
    ]);
  });

  it("gives strategic merge patch its merge key", () => {
    const rules = patchSchemaOf(registry, "daemonsets").fields?.["spec"]?.fields?.["updateStrategy"];
    expect(rules?.fields?.["rollingUpdate"]?.fields?.["prePull"]).toEqual({ mergeKey: "image" });
    expect(patchSchemaOf(REGISTRY, "daemonsets").fields?.["spec"]?.fields).not.toHaveProperty(
      "updateStrategy",
    );
  });

  it("shows in both OpenAPI documents, beside upstream's fields", () => {
    const v3 = openApiV3Document(registry, "apis/apps/v1") as any;
    const props = v3.components.schemas[RU].properties;
    expect(Object.keys(props)).toEqual([
      "maxSurge",
      "maxUnavailable",
      "paused",
      "partition",
      "selector",
      "prePull",
    ]);
    expect(props.selector).toEqual({
      allOf: [{ $ref: `#/components/schemas/${META_V1}.LabelSelector` }],
      description: "everynode: the nodes to update first.",
    });
    expect(openApiV2Document(registry).definitions[RU]?.properties).toHaveProperty("paused");
  });

  it("leaves the vendored definitions and other registries alone", () => {
    expect(KUBERNETES_DEFINITIONS[RU]?.properties).not.toHaveProperty("paused");
    expect(withOverlay({}).definitions[RU]).toBe(KUBERNETES_DEFINITIONS[RU]);
    expect(registry.definitions[RU]).not.toBe(KUBERNETES_DEFINITIONS[RU]);
    expect(REGISTRY.definitions[RU]?.properties?.["partition"]?.description).toMatch(/^everynode: /);
    expect(registry.definitions[RU]?.properties?.["partition"]?.description).toBe(
      "everynode: nodes to keep on the old revision.",
    );
    expect(Object.isFrozen(KUBERNETES_DEFINITIONS[RU])).toBe(true);
  });
});

describe("overlay paths", () => {
  it.each([
    ["spec", "io.k8s.api.apps.v1.DaemonSetSpec"],
    ["spec.template.spec.containers", "io.k8s.api.core.v1.Container"],
    ["spec.template.spec.containers.ports", "io.k8s.api.core.v1.ContainerPort"],
    ["metadata", `${META_V1}.ObjectMeta`],
  ])("%s is %s", (path, name) => {
    expect(definitionAtPath(REGISTRY.definitions, daemonSetKind.definition, path)).toBe(name);
  });
});

describe("overlays that are refused", () => {
  const add = (path: string, properties: Record<string, Definition>): Overlay => ({ [path]: { properties } });

  it.each<[string, Overlay, RegExp]>([
    [
      "replacing an upstream field",
      add("spec.updateStrategy.rollingUpdate", { maxSurge: {} }),
      /would replace/,
    ],
    ["a path that does not exist", add("spec.rollout", { paused: {} }), /has no field spec.rollout/],
    ["a scalar", add("spec.minReadySeconds", { x: {} }), /not a named definition/],
    ["a prototype name", add("spec.constructor", { x: {} }), /has no field spec.constructor/],
  ])("%s", (_name, overlay, message) => {
    expect(() => withOverlay(overlay)).toThrow(message);
  });

  it("two kinds may add the same field alike, not differently", () => {
    const other = (schema: Definition): KindDescription => ({
      ...daemonSetKind,
      resource: "otherdaemonsets",
      kind: "OtherDaemonSet",
      shortNames: [],
      overlay: add("spec.updateStrategy.rollingUpdate", { paused: schema }),
    });
    const paused = ROLLOUT["spec.updateStrategy.rollingUpdate"]?.properties["paused"] ?? {};
    expect(() => withOverlay(ROLLOUT, [other(paused)])).not.toThrow();
    expect(() => withOverlay(ROLLOUT, [other({ type: "string" })])).toThrow(/would replace/);
  });
});
