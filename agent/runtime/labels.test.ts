import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { buildLabels, containerSpecHash, LABELS, parseLabels } from "./labels.js";

const POD: Pod = {
  metadata: { name: "web-x", namespace: "default", uid: "u1" },
  spec: { containers: [{ name: "web", image: "a:1" }], terminationGracePeriodSeconds: 12 },
};

describe("labels", () => {
  it("round-trips through build and parse", () => {
    const labels = buildLabels(POD, POD.spec.containers[0]!, "n1", 3, "h");
    expect(parseLabels(labels)).toEqual({
      podUid: "u1",
      podNamespace: "default",
      podName: "web-x",
      container: "web",
      node: "n1",
      restartCount: 3,
      specHash: "h",
      graceSeconds: 12,
    });
  });

  it("ignores containers everynode does not manage", () => {
    expect(parseLabels({ app: "x" })).toBeUndefined();
    expect(parseLabels({ [LABELS.managed]: "true" })).toBeUndefined();
  });

  it.each<[string, Pod]>([
    ["image", { ...POD, spec: { ...POD.spec, containers: [{ name: "web", image: "a:2" }] } }],
    [
      "env",
      {
        ...POD,
        spec: { ...POD.spec, containers: [{ name: "web", image: "a:1", env: [{ name: "X", value: "1" }] }] },
      },
    ],
    ["hostNetwork", { ...POD, spec: { ...POD.spec, hostNetwork: true } }],
  ])("a change of %s changes the spec hash", (_what, changed) => {
    expect(containerSpecHash(changed, changed.spec.containers[0]!)).not.toBe(
      containerSpecHash(POD, POD.spec.containers[0]!),
    );
  });

  it("does not change the hash for key order or unrelated pod fields", () => {
    const reordered: Pod = {
      ...POD,
      spec: { containers: [{ image: "a:1", name: "web" }], terminationGracePeriodSeconds: 99 },
    };
    expect(containerSpecHash(reordered, reordered.spec.containers[0]!)).toBe(
      containerSpecHash(POD, POD.spec.containers[0]!),
    );
  });
});
