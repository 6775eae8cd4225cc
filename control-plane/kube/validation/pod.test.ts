import { describe, expect, it } from "vitest";
import type { Pod } from "../../../shared/api-types.js";
import { applyDaemonSetDefaults } from "../defaults.js";
import { validatePodUpdate } from "./index.js";
import { POD_UPDATE_MESSAGE } from "./pod.js";
import { tutorialDaemonSet } from "./test-manifests.js";

/** A pod as the DaemonSet controller would make it from the tutorial's template. */
function storedPod(): Pod {
  const template = applyDaemonSetDefaults(tutorialDaemonSet()).spec.template;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "nginx-x7k2p",
      namespace: "default",
      uid: "u-1",
      labels: { ...template.metadata?.labels },
    },
    spec: {
      ...structuredClone(template.spec),
      nodeName: "worker-1",
      tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" }],
    },
    status: { phase: "Running" },
  };
}

const forbiddenSpec = [
  { type: "FieldValueForbidden", field: "spec", message: `Forbidden: ${POD_UPDATE_MESSAGE}` },
];

describe("validatePodUpdate", () => {
  it.each<[string, (p: Pod) => void, unknown[]]>([
    ["a new label", (p) => (p.metadata.labels = { ...p.metadata.labels, team: "web" }), []],
    ["a new annotation", (p) => (p.metadata.annotations = { "example.com/note": "hi" }), []],
    ["a changed status", (p) => (p.status = { phase: "Failed" }), []],
    ["an added toleration", (p) => p.spec.tolerations?.push({ key: "k", operator: "Exists" }), []],
    ["a changed image", (p) => (p.spec.containers[0]!.image = "nginx:1.27"), forbiddenSpec],
    ["a new nodeName", (p) => (p.spec.nodeName = "worker-2"), forbiddenSpec],
    ["a removed toleration", (p) => (p.spec.tolerations = []), forbiddenSpec],
    [
      "a bad label",
      (p) => (p.metadata.labels = { "bad key": "x" }),
      [expect.objectContaining({ type: "FieldValueInvalid", field: "metadata.labels" })],
    ],
    [
      "an added toleration that is invalid",
      (p) => p.spec.tolerations?.push({ operator: "Equal", value: "x" }),
      [expect.objectContaining({ type: "FieldValueInvalid", field: "spec.tolerations[1].operator" })],
    ],
    [
      "a renamed pod",
      (p) => (p.metadata.name = "nginx-other"),
      [
        {
          type: "FieldValueInvalid",
          field: "metadata.name",
          message: 'Invalid value: "nginx-other": field is immutable',
        },
      ],
    ],
  ])("%s", (_name, change, expected) => {
    const old = storedPod();
    const next = storedPod();
    change(next);
    expect(validatePodUpdate(next, old)).toEqual(expected);
  });

  it("does not mind key order in the spec", () => {
    const old = storedPod();
    const next = storedPod();
    next.spec = Object.fromEntries(Object.entries(next.spec).reverse()) as Pod["spec"];
    expect(validatePodUpdate(next, old)).toEqual([]);
  });
});
